#include "test_host_support.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <system_error>

extern char** environ;

namespace gantry::plugins::testing {
namespace {

namespace fs = std::filesystem;

fs::path makeRoot() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      (fs::path(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") / "gantry-plugin-test-XXXXXX")
          .string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp");
  }
  return pattern;
}

void closeFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

TestHost::TestHost(std::map<std::string, std::string> settings)
    : settings_(settings.begin(), settings.end()) {
  const fs::path root = makeRoot();
  paths_.root = root;
  paths_.dataDir = root / "var/lib/gantry";
  paths_.runDir = root / "var/run/gantry";
  paths_.logDir = root / "var/log/gantry";
  paths_.fileStorageDir = root / "srv/gantry/file-storage";
  paths_.sharedFileStorageDir = root / "srv/gantry/shared-file-storage";
  paths_.osSearchPath = {root / "srv/gantry/os"};
  paths_.extStorageSearchPath = {root / "srv/gantry/extstorage"};
  for (const fs::path& dir : {paths_.dataDir, paths_.runDir, paths_.logDir,
                              paths_.fileStorageDir, paths_.sharedFileStorageDir,
                              paths_.osSearchPath[0], paths_.extStorageSearchPath[0]}) {
    fs::create_directories(dir);
  }
}

TestHost::~TestHost() {
  std::error_code ec;
  fs::remove_all(paths_.root, ec);
}

void TestHost::log(sdk::LogLevel level, std::string_view message) {
  std::lock_guard lock(mutex_);
  lines_.push_back({level, std::string(message)});
}

std::optional<std::string> TestHost::setting(std::string_view key) const {
  std::lock_guard lock(mutex_);
  auto it = settings_.find(key);
  if (it == settings_.end()) return std::nullopt;
  return it->second;
}

void TestHost::setSetting(const std::string& key, const std::string& value) {
  std::lock_guard lock(mutex_);
  settings_[key] = value;
}

std::vector<LogLine> TestHost::logLines() const {
  std::lock_guard lock(mutex_);
  return lines_;
}

bool TestHost::logged(std::string_view text) const {
  std::lock_guard lock(mutex_);
  for (const auto& line : lines_) {
    if (line.message.find(text) != std::string::npos) return true;
  }
  return false;
}

sdk::Result<sdk::ProcessResult> TestHost::runProcess(const sdk::ProcessRequest& request) {
  using sdk::Error;
  using sdk::ErrorCode;
  // A child that exits before reading its stdin must not kill the tests.
  ::signal(SIGPIPE, SIG_IGN);
  if (request.argv.empty()) return Error{ErrorCode::kInvalid, "Empty command"};

  std::vector<std::string> envStrings;
  if (request.inheritEnv) {
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string entry(*e);
      if (!request.env.count(entry.substr(0, entry.find('=')))) envStrings.push_back(entry);
    }
  }
  for (const auto& [k, v] : request.env) envStrings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : envStrings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argvCopy = request.argv;
  std::vector<char*> argv;
  for (auto& s : argvCopy) argv.push_back(s.data());
  argv.push_back(nullptr);

  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 ||
      ::pipe2(err, O_CLOEXEC) != 0) {
    const int e = errno;
    for (int* p : {in, out, err}) { closeFd(p[0]); closeFd(p[1]); }
    return Error{ErrorCode::kEnvironment, std::string("pipe: ") + std::strerror(e)};
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (request.stdinFile) {
    posix_spawn_file_actions_addopen(&actions, 0, request.stdinFile->c_str(), O_RDONLY, 0);
  } else {
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  }
  if (request.outputFile) {
    posix_spawn_file_actions_addopen(&actions, 2, request.outputFile->c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
  } else {
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  }
  if (request.stdoutFile) {
    posix_spawn_file_actions_addopen(&actions, 1, request.stdoutFile->c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
  } else if (request.outputFile) {
    posix_spawn_file_actions_adddup2(&actions, 2, 1);
  } else {
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  }
  // After 0-2 are in place: a pipe end numbered like one of these has been
  // copied already.
  for (const auto& [number, path] : request.writeFds) {
    posix_spawn_file_actions_addopen(&actions, number, path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
  }
  if (request.cwd) posix_spawn_file_actions_addchdir_np(&actions, request.cwd->c_str());
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  closeFd(in[0]);
  closeFd(out[1]);
  closeFd(err[1]);
  if (rc != 0) {
    closeFd(in[1]); closeFd(out[0]); closeFd(err[0]);
    return Error{ErrorCode::kEnvironment, request.argv[0] + ": " + std::strerror(rc)};
  }

  sdk::ProcessResult result;
  std::size_t written = 0;
  if (request.stdinData.empty()) closeFd(in[1]);
  else ::fcntl(in[1], F_SETFL, O_NONBLOCK);
  const auto deadline = std::chrono::steady_clock::now() + request.timeout;
  while (out[0] >= 0 || err[0] >= 0 || in[1] >= 0) {
    pollfd fds[3] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}, {in[1], POLLOUT, 0}};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timedOut = true;
      ::kill(pid, SIGKILL);
      break;
    }
    const int n = ::poll(fds, 3, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      const ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got > 0) (i == 0 ? result.out : result.err).append(buf, static_cast<std::size_t>(got));
      else if (got == 0 || errno != EINTR) closeFd(i == 0 ? out[0] : err[0]);
    }
    if (fds[2].fd >= 0 && fds[2].revents != 0) {
      const ssize_t put = ::write(in[1], request.stdinData.data() + written,
                                  request.stdinData.size() - written);
      if (put > 0) written += static_cast<std::size_t>(put);
      if ((put < 0 && errno != EAGAIN && errno != EINTR) ||
          written == request.stdinData.size()) {
        closeFd(in[1]);
      }
    }
  }
  closeFd(in[1]);
  closeFd(out[0]);
  closeFd(err[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exitCode = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

}  // namespace gantry::plugins::testing
