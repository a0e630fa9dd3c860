#include "core/util/process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace util = gantry::core::util;
namespace fs = std::filesystem;
using gantry::sdk::ErrorCode;
using std::chrono::milliseconds;
using util::EnvMode;
using util::ProcessSpec;

namespace {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "gantry-proc-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

ProcessSpec cmd(std::vector<std::string> argv) {
  ProcessSpec spec;
  spec.argv = std::move(argv);
  return spec;
}

ProcessSpec shell(const std::string& script) { return cmd({"sh", "-c", script}); }

util::ProcessResult run(const ProcessSpec& spec) {
  auto result = util::runProcess(spec);
  EXPECT_TRUE(result.ok()) << result.error().message;
  return result ? *result : util::ProcessResult{};
}

// Dead, or a zombie nobody reaped yet: either way no longer running.
bool notRunning(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string content;
  if (!stat || !std::getline(stat, content)) return true;
  const auto paren = content.rfind(')');
  if (paren == std::string::npos || paren + 2 >= content.size()) return true;
  const char state = content[paren + 2];
  return state == 'Z' || state == 'X';
}

// A killed process may take a moment to finish dying after its pipes closed.
bool becomesNotRunning(pid_t pid) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (std::chrono::steady_clock::now() < until) {
    if (notRunning(pid)) return true;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return notRunning(pid);
}

// `line` is one whole line of `text`.
bool hasLine(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

TEST(Process, CapturesStdoutAndStderrSeparately) {
  auto r = run(shell("echo out; echo err >&2; echo more; exit 3"));
  EXPECT_EQ(r.out, "out\nmore\n");
  EXPECT_EQ(r.err, "err\n");
  EXPECT_EQ(r.exitCode, 3);
  EXPECT_EQ(r.signal, 0);
  EXPECT_FALSE(r.timedOut);
  EXPECT_FALSE(r.succeeded());
}

TEST(Process, ExitCodes) {
  EXPECT_EQ(run(cmd({"true"})).exitCode, 0);
  EXPECT_TRUE(run(cmd({"true"})).succeeded());
  EXPECT_EQ(run(cmd({"false"})).exitCode, 1);
  EXPECT_EQ(run(shell("exit 255")).exitCode, 255);
  EXPECT_EQ(run(shell("exit 42")).exitCode, 42);
}

TEST(Process, Signals) {
  auto killed = run(shell("kill -KILL $$"));
  EXPECT_EQ(killed.signal, SIGKILL);
  EXPECT_FALSE(killed.timedOut);
  EXPECT_FALSE(killed.succeeded());
  EXPECT_EQ(run(shell("kill -TERM $$")).signal, SIGTERM);
}

TEST(Process, ChildSignalsAreDefaultEvenIfTheDaemonIgnoresThem) {
  struct sigaction ignore {};
  struct sigaction old {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ASSERT_EQ(::sigaction(SIGTERM, &ignore, &old), 0);
  auto r = run(shell("kill -TERM $$; echo survived"));
  ::sigaction(SIGTERM, &old, nullptr);
  EXPECT_EQ(r.signal, SIGTERM);
  EXPECT_EQ(r.out, "");
}

TEST(Process, LargeOutputOnBothStreamsDoesNotDeadlock) {
  // stderr first: a runner reading stdout to EOF before stderr would hang.
  auto r = run(shell("head -c 4000000 /dev/zero >&2; head -c 5000000 /dev/zero; "
                     "head -c 3000000 /dev/zero >&2"));
  EXPECT_EQ(r.exitCode, 0);
  EXPECT_EQ(r.out.size(), 5000000u);
  EXPECT_EQ(r.err.size(), 7000000u);
}

TEST(Process, LargeStdinWhileOutputFlows) {
  std::string input;
  for (int i = 0; input.size() < 6'000'000; ++i) input += std::to_string(i) + "\n";
  ProcessSpec spec = cmd({"cat"});
  spec.stdinData = input;
  auto r = run(spec);
  EXPECT_EQ(r.exitCode, 0);
  EXPECT_EQ(r.out.size(), input.size());
  EXPECT_TRUE(r.out == input);
}

TEST(Process, StdinIsFedThenClosed) {
  ProcessSpec spec = cmd({"cat"});
  spec.stdinData = "hello\nworld\n";
  EXPECT_EQ(run(spec).out, "hello\nworld\n");

  // Empty data: an empty pipe, so cat sees EOF at once.
  EXPECT_EQ(run(cmd({"cat"})).out, "");
}

TEST(Process, StdinTheChildDoesNotReadIsHarmless) {
  ProcessSpec spec = cmd({"true"});
  spec.stdinData = std::string(2'000'000, 'x');  // more than a pipe holds
  auto r = run(spec);
  EXPECT_EQ(r.exitCode, 0);
  EXPECT_EQ(r.signal, 0);
}

TEST(Process, ArgumentsAreNeverInterpretedByAShell) {
  TempDir dir;
  ProcessSpec spec;
  spec.argv = {"echo", "$(touch x); rm -rf", "`touch y`", "*", "a > z", "$HOME"};
  spec.cwd = dir.path();
  auto r = run(spec);
  EXPECT_EQ(r.out, "$(touch x); rm -rf `touch y` * a > z $HOME\n");
  EXPECT_FALSE(fs::exists(dir.path() / "x"));
  EXPECT_FALSE(fs::exists(dir.path() / "y"));
  EXPECT_FALSE(fs::exists(dir.path() / "z"));
}

TEST(Process, WorkingDirectory) {
  TempDir dir;
  auto spec = shell("pwd -P");
  spec.cwd = dir.path();
  EXPECT_EQ(run(spec).out, fs::canonical(dir.path()).string() + "\n");

  spec.cwd = dir.path() / "missing";
  auto missing = util::runProcess(spec);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kEnvironment);
  EXPECT_NE(missing.error().message.find((dir.path() / "missing").string()),
            std::string::npos)
      << missing.error().message;
}

TEST(Process, ReplacedEnvironment) {
  ProcessSpec spec = cmd({"env"});
  spec.envMode = EnvMode::kReplace;
  spec.env = {{"FOO", "bar"}, {"EMPTY", ""}};
  // The program is still found through the daemon's PATH.
  EXPECT_EQ(run(spec).out, "EMPTY=\nFOO=bar\n");
}

TEST(Process, MergedEnvironmentAddsCLocaleAndOverrides) {
  ::setenv("GANTRY_PROCESS_TEST_VAR", "daemon", 1);
  ProcessSpec spec = cmd({"env"});
  spec.envMode = EnvMode::kMerge;
  spec.env = {{"FOO", "bar"}};
  auto merged = run(spec);
  spec.env = {{"GANTRY_PROCESS_TEST_VAR", "override"}, {"LC_ALL", "en_US.UTF-8"}};
  auto overridden = run(spec);
  ::unsetenv("GANTRY_PROCESS_TEST_VAR");

  EXPECT_TRUE(hasLine(merged.out, "FOO=bar")) << merged.out;
  EXPECT_TRUE(hasLine(merged.out, "LC_ALL=C")) << merged.out;
  EXPECT_TRUE(hasLine(merged.out, "GANTRY_PROCESS_TEST_VAR=daemon"));
  EXPECT_TRUE(hasLine(overridden.out, "GANTRY_PROCESS_TEST_VAR=override"));
  EXPECT_TRUE(hasLine(overridden.out, "LC_ALL=en_US.UTF-8"));
}

TEST(Process, InheritedEnvironmentIsTheDaemons) {
  ::setenv("GANTRY_PROCESS_TEST_VAR", "inherited", 1);
  ProcessSpec spec = cmd({"env"});
  spec.env = {{"IGNORED", "1"}};  // kInherit ignores env
  auto r = run(spec);
  ::unsetenv("GANTRY_PROCESS_TEST_VAR");
  EXPECT_TRUE(hasLine(r.out, "GANTRY_PROCESS_TEST_VAR=inherited"));
  EXPECT_EQ(r.out.find("IGNORED="), std::string::npos);
}

TEST(Process, ProgramIsLookedUpInTheCommandsPath) {
  ProcessSpec spec = cmd({"env"});
  spec.envMode = EnvMode::kReplace;
  spec.env = {{"PATH", "/nonexistent-gantry-dir"}};
  auto r = util::runProcess(spec);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "Can't execute 'env': not found (No such file or directory)");
}

TEST(Process, ProgramNotFound) {
  auto r = util::runProcess(cmd({"gantry-no-such-program", "arg one"}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kEnvironment);
  EXPECT_EQ(r.error().message,
            "Can't execute 'gantry-no-such-program 'arg one'': not found "
            "(No such file or directory)");

  auto absolute = util::runProcess(cmd({"/nonexistent/gantry-prog"}));
  ASSERT_FALSE(absolute.ok());
  EXPECT_NE(absolute.error().message.find("/nonexistent/gantry-prog': not found"),
            std::string::npos)
      << absolute.error().message;
}

TEST(Process, NotExecutable) {
  TempDir dir;
  const auto script = dir.path() / "script";
  { std::ofstream(script) << "#!/bin/sh\necho hi\n"; }
  fs::permissions(script, fs::perms::owner_read | fs::perms::owner_write);
  auto r = util::runProcess(cmd({script.string()}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kEnvironment);
  EXPECT_NE(r.error().message.find(script.string()), std::string::npos);
}

TEST(Process, EmptyArgvIsInvalid) {
  auto r = util::runProcess(ProcessSpec{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
}

TEST(Process, OutputFileIsAppendedTo) {
  TempDir dir;
  const auto log = dir.path() / "os-add.log";
  { std::ofstream(log) << "earlier run\n"; }
  auto spec = shell("echo out; echo err >&2; echo out2; exit 2");
  spec.outputFile = log;
  auto first = run(spec);
  EXPECT_EQ(first.exitCode, 2);
  EXPECT_EQ(first.out, "");
  EXPECT_EQ(first.err, "");
  run(spec);
  EXPECT_EQ(readFile(log), "earlier run\nout\nerr\nout2\nout\nerr\nout2\n");
}

TEST(Process, OutputFileIsCreated) {
  TempDir dir;
  auto spec = shell("echo created");
  spec.outputFile = dir.path() / "new.log";
  EXPECT_EQ(run(spec).exitCode, 0);
  EXPECT_EQ(readFile(dir.path() / "new.log"), "created\n");

  spec.outputFile = dir.path() / "no-dir" / "x.log";
  auto r = util::runProcess(spec);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("no-dir/x.log"), std::string::npos);
}

TEST(Process, TimeoutTerminatesACooperativeChild) {
  ProcessSpec spec = cmd({"sleep", "30"});
  spec.timeout = milliseconds(100);
  spec.killGrace = std::chrono::seconds(20);
  const auto start = std::chrono::steady_clock::now();
  auto r = run(spec);
  EXPECT_TRUE(r.timedOut);
  EXPECT_EQ(r.signal, SIGTERM);
  EXPECT_FALSE(r.succeeded());
  // Nothing left in the group: no need to wait for the grace period.
  EXPECT_LT(secondsSince(start), 5.0);
}

TEST(Process, TimeoutKillsAChildIgnoringSigtermAndItsGrandchildren) {
  // The shell and its background sleep both ignore SIGTERM; the sleep holds
  // the output pipe too.
  auto spec = shell("trap '' TERM; sleep 30 & echo $!; wait; wait; echo after");
  spec.timeout = milliseconds(200);
  spec.killGrace = milliseconds(200);
  const auto start = std::chrono::steady_clock::now();
  auto r = run(spec);
  EXPECT_LT(secondsSince(start), 5.0);
  EXPECT_TRUE(r.timedOut);
  EXPECT_EQ(r.signal, SIGKILL);
  EXPECT_EQ(r.out.find("after"), std::string::npos);
  const pid_t grandchild = std::atoi(r.out.c_str());
  ASSERT_GT(grandchild, 0) << r.out;
  EXPECT_TRUE(becomesNotRunning(grandchild));
}

TEST(Process, QuickCommandIsUnaffectedByItsTimeout) {
  auto spec = shell("echo done");
  spec.timeout = std::chrono::seconds(30);
  const auto start = std::chrono::steady_clock::now();
  auto r = run(spec);
  EXPECT_FALSE(r.timedOut);
  EXPECT_EQ(r.out, "done\n");
  EXPECT_LT(secondsSince(start), 5.0);
}

TEST(Process, BackgroundGrandchildHoldingThePipesDoesNotBlock) {
  const auto start = std::chrono::steady_clock::now();
  auto r = run(shell("sleep 30 & echo $!"));
  EXPECT_LT(secondsSince(start), 5.0);
  EXPECT_EQ(r.exitCode, 0);
  const pid_t grandchild = std::atoi(r.out.c_str());
  ASSERT_GT(grandchild, 0) << r.out;
  ::kill(grandchild, SIGKILL);
}

TEST(Process, ChildSeesOnlyStandardDescriptors) {
  // An fd the daemon opened without O_CLOEXEC must not leak either.
  const int leaky = ::dup(1);
  ASSERT_GE(leaky, 3);
  auto r = run(cmd({"ls", "/proc/self/fd"}));
  ::close(leaky);
  // 3 is the directory ls itself opened to list.
  EXPECT_EQ(r.out, "0\n1\n2\n3\n");
}

TEST(Process, ManyThreadsAtOnce) {
  constexpr int kThreads = 8;
  constexpr int kRuns = 6;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRuns; ++i) {
        const std::string token = "t" + std::to_string(t) + "-" + std::to_string(i);
        ProcessSpec spec;
        spec.argv = {"sh", "-c", "cat; echo \"$1\" >&2; ls /proc/self/fd", "sh", token};
        spec.stdinData = token + "\n";
        auto r = util::runProcess(spec);
        if (!r || r->exitCode != 0 || r->err != token + "\n" ||
            r->out != token + "\n0\n1\n2\n3\n") {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(ProcessText, FormatCommandQuotesLikeGaneti) {
  EXPECT_EQ(util::formatCommand({"lvcreate", "-L128m", "-nlv0", "xenvg"}),
            "lvcreate -L128m -nlv0 xenvg");
  EXPECT_EQ(util::formatCommand({"echo", "a b", "it's", "", "x=1,y:2/@+"}),
            "echo 'a b' 'it'\\''s' '' x=1,y:2/@+");
}

TEST(ProcessText, Durations) {
  EXPECT_EQ(util::formatDuration(milliseconds(5000)), "5s");
  EXPECT_EQ(util::formatDuration(milliseconds(300000)), "300s");
  EXPECT_EQ(util::formatDuration(milliseconds(1500)), "1500ms");
  EXPECT_EQ(util::formatDuration(milliseconds(200)), "200ms");
}

TEST(ProcessText, ExitReasons) {
  util::ProcessResult r;
  r.exitCode = 0;
  EXPECT_EQ(util::exitReason(r), "");
  r.exitCode = 1;
  EXPECT_EQ(util::exitReason(r), "exited with exit code 1");
  r.exitCode = -1;
  r.signal = 9;
  EXPECT_EQ(util::exitReason(r), "terminated by signal 9");
  r.timedOut = true;
  EXPECT_EQ(util::exitReason(r, milliseconds(5000)), "timed out after 5s");
  EXPECT_EQ(util::exitReason(r), "timed out");
}

TEST(ProcessText, LastLines) {
  EXPECT_EQ(util::lastLines("a\nb\nc\n", 2), "b\nc");
  EXPECT_EQ(util::lastLines("a\nb\nc", 2), "b\nc");
  EXPECT_EQ(util::lastLines("a\nb\nc\n", 3), "a\nb\nc");
  EXPECT_EQ(util::lastLines("a\nb\nc\n", 10), "a\nb\nc");
  EXPECT_EQ(util::lastLines("a\n\n", 1), "");
  EXPECT_EQ(util::lastLines("a\n\nb\n", 2), "\nb");
  EXPECT_EQ(util::lastLines("", 3), "");
  EXPECT_EQ(util::lastLines("abc", 0), "");
}

TEST(ProcessText, DescribeFailureOfARealRun) {
  auto spec = shell("echo one; echo two; printf three >&2; exit 1");
  auto r = run(spec);
  EXPECT_EQ(util::describeFailure(spec, r, 2),
            "Command 'sh -c 'echo one; echo two; printf three >&2; exit 1'' failed "
            "(exited with exit code 1), last lines of output:\ntwo\nthree");

  auto quiet = shell("kill -KILL $$");
  EXPECT_EQ(util::describeFailure(quiet, run(quiet)),
            "Command 'sh -c 'kill -KILL $$'' failed (terminated by signal 9)");
}

TEST(ProcessText, DescribeFailureReadsTheOutputFile) {
  TempDir dir;
  auto spec = shell("for i in 1 2 3 4 5; do echo line$i; done; exit 7");
  spec.outputFile = dir.path() / "log";
  auto r = run(spec);
  EXPECT_EQ(util::describeFailure(spec, r, 3),
            "Command 'sh -c 'for i in 1 2 3 4 5; do echo line$i; done; exit 7'' failed "
            "(exited with exit code 7), last lines in the log file:\nline3\nline4\nline5");
}

TEST(ProcessText, DescribeTimeout) {
  ProcessSpec spec = cmd({"sleep", "30"});
  spec.timeout = milliseconds(100);
  auto r = run(spec);
  EXPECT_EQ(util::describeFailure(spec, r), "Command 'sleep 30' failed (timed out after 100ms)");
}

TEST(ProcessSdk, NonZeroExitIsAResult) {
  gantry::sdk::ProcessRequest request;
  request.argv = {"sh", "-c", "echo $0; echo oops >&2; exit 4", "x"};
  auto r = util::runProcess(request);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->exitCode, 4);
  EXPECT_EQ(r->out, "x\n");
  EXPECT_EQ(r->err, "oops\n");
  EXPECT_EQ(r->failReason(), "exited with exit code 4");
}

TEST(ProcessSdk, ProgramNotFoundIsAnEnvironmentErrorNamingIt) {
  gantry::sdk::ProcessRequest request;
  request.argv = {"gantry-missing-tool", "--flag"};
  auto r = util::runProcess(request);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kEnvironment);
  EXPECT_NE(r.error().message.find("gantry-missing-tool"), std::string::npos);
  EXPECT_NE(r.error().message.find("not found"), std::string::npos);
}

TEST(ProcessSdk, EnvironmentIsReplacedUnlessInherited) {
  gantry::sdk::ProcessRequest request;
  request.argv = {"env"};
  request.env = {{"A", "1"}};
  auto replaced = util::runProcess(request);
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(replaced->out, "A=1\n");

  request.inheritEnv = true;
  auto merged = util::runProcess(request);
  ASSERT_TRUE(merged.ok());
  EXPECT_TRUE(hasLine(merged->out, "A=1"));
  EXPECT_NE(merged->out.find("PATH="), std::string::npos);
}

TEST(ProcessSdk, CwdStdinAndOutputFile) {
  TempDir dir;
  gantry::sdk::ProcessRequest request;
  request.argv = {"sh", "-c", "cat; pwd -P"};
  request.cwd = dir.path();
  request.stdinData = "in\n";
  request.outputFile = dir.path() / "out.log";
  auto r = util::runProcess(request);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exitCode, 0);
  EXPECT_EQ(readFile(dir.path() / "out.log"),
            "in\n" + fs::canonical(dir.path()).string() + "\n");
}

TEST(ProcessSdk, TimeoutIsAnError) {
  gantry::sdk::ProcessRequest request;
  request.argv = {"sh", "-c", "echo partial; exec sleep 30"};
  request.timeout = milliseconds(200);
  auto r = util::runProcess(request);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kEnvironment);
  EXPECT_EQ(r.error().message,
            "Command 'sh -c 'echo partial; exec sleep 30'' failed (timed out after "
            "200ms), last lines of output:\npartial");
}

TEST(Process, FilesInPlaceOfPipes) {
  TempDir temp;
  const fs::path dir = temp.path();
  std::ofstream(dir / "in") << "stream in\n";
  std::ofstream(dir / "stdout") << "old content that must go away\n";

  // stdin from a file, stdout to a file, stderr to the log, fd 3 to a file;
  // nothing else of the caller's leaks in (fd 4 is closed).
  ProcessSpec spec = shell(
      "cat; echo to-stderr >&2; echo 42 >&3; if [ -e /proc/self/fd/4 ]; then echo leak; fi");
  spec.stdinFile = dir / "in";
  spec.stdoutFile = dir / "stdout";
  spec.outputFile = dir / "log";
  spec.writeFds[3] = dir / "size";
  auto r = run(spec);
  EXPECT_TRUE(r.succeeded()) << r.err;
  EXPECT_EQ(readFile(dir / "stdout"), "stream in\n");
  EXPECT_EQ(readFile(dir / "log"), "to-stderr\n");
  EXPECT_EQ(readFile(dir / "size"), "42\n");
  EXPECT_EQ(fs::status(dir / "size").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);

  // Without outputFile, stderr is still captured.
  ProcessSpec captured = shell("cat >&2");
  captured.stdinFile = dir / "in";
  captured.stdoutFile = dir / "stdout";
  auto c = run(captured);
  EXPECT_EQ(c.err, "stream in\n");

  ProcessSpec missing = cmd({"true"});
  missing.stdinFile = dir / "nosuch";
  auto m = util::runProcess(missing);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("cannot open input file"), std::string::npos)
      << m.error().message;
}
