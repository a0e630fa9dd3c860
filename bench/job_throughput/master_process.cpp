#include "master_process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace gantry::bench {
namespace {

pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& extraEnv,
            bool quiet) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> envStrings;
  for (char** e = environ; *e != nullptr; ++e) envStrings.emplace_back(*e);
  envStrings.insert(envStrings.end(), extraEnv.begin(), extraEnv.end());
  std::vector<char*> env;
  for (auto& e : envStrings) env.push_back(e.data());
  env.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // Quiet children must not hold the caller's stdout open (a pipe would
  // never end while a daemon lives).
  if (quiet) {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  }
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
  return pid;
}

}  // namespace

MasterProcess::MasterProcess(std::filesystem::path binDir, std::filesystem::path root,
                             int workers, bool sync)
    : binDir_(std::move(binDir)), root_(std::move(root)), workers_(workers), sync_(sync) {}

MasterProcess::~MasterProcess() { stop(); }

void MasterProcess::start() {
  std::vector<std::string> argv = {(binDir_ / "gantry-masterd").string(), "--root",
                                   root_.string(), "--workers", std::to_string(workers_)};
  if (!sync_) argv.push_back("--no-sync");
  pid_ = spawn(argv, {}, true);
  for (int i = 0; i < 500; ++i) {
    try {
      client().queryConfigValues({"drain_flag"});
      return;
    } catch (const std::exception&) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("gantry-masterd exited at start");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  throw std::runtime_error("gantry-masterd did not answer within 10 s");
}

void MasterProcess::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

core::luxi::Client MasterProcess::client() const {
  core::luxi::ClientOptions options;
  options.socketPath = (root_ / "var/run/gantry/socket/gantry-query").string();
  options.ioTimeout = std::chrono::seconds(120);
  core::luxi::Client c(options);
  c.connect();
  return c;
}

int MasterProcess::tool(const std::string& name, const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {(binDir_ / name).string()};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_t pid = spawn(argv, {"GANTRY_ROOT=" + root_.string()}, true);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace gantry::bench
