#include "cli/common/daemon_control.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <thread>

namespace gantry::cli {
namespace fs = std::filesystem;
using sdk::Error;
using sdk::ErrorCode;

fs::path siblingBinary(const std::string& name) {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return (ec ? fs::path(".") : self.parent_path()) / name;
}

sdk::Result<void> startDetached(const std::vector<std::string>& argv) {
  if (argv.empty()) return Error{ErrorCode::kInvalid, "empty command"};
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int pipeFds[2];
  if (::pipe2(pipeFds, O_CLOEXEC) != 0) {
    return Error{ErrorCode::kEnvironment, std::string("pipe: ") + std::strerror(errno)};
  }
  const pid_t child = ::fork();
  if (child < 0) {
    return Error{ErrorCode::kEnvironment, std::string("fork: ") + std::strerror(errno)};
  }
  if (child == 0) {
    ::close(pipeFds[0]);
    ::setsid();
    if (::fork() != 0) ::_exit(0);  // the grandchild is re-parented to init
    const int devNull = ::open("/dev/null", O_RDWR);
    if (devNull >= 0) {
      ::dup2(devNull, 0);
      ::dup2(devNull, 1);
      ::dup2(devNull, 2);
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execv(args[0], args.data());
    const int err = errno;
    (void)!::write(pipeFds[1], &err, sizeof err);
    ::_exit(127);
  }
  ::close(pipeFds[1]);
  int status = 0;
  ::waitpid(child, &status, 0);
  int err = 0;
  const ssize_t got = ::read(pipeFds[0], &err, sizeof err);
  ::close(pipeFds[0]);
  if (got == static_cast<ssize_t>(sizeof err)) {
    return Error{ErrorCode::kEnvironment,
                 "Cannot run " + argv[0] + ": " + std::strerror(err)};
  }
  return {};
}

namespace {

// Gone, or a zombie nobody has reaped yet (a process whose parent is an
// init that does not reap still counts as stopped).
bool processGone(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  const auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
}

}  // namespace

sdk::Result<void> stopByPidFile(const fs::path& pidFile, std::chrono::milliseconds limit) {
  std::ifstream in(pidFile);
  long pid = 0;
  if (!(in >> pid) || pid <= 1) {
    return Error{ErrorCode::kNotFound, "No pid file " + pidFile.string()};
  }
  if (::kill(static_cast<pid_t>(pid), SIGTERM) != 0) {
    return Error{ErrorCode::kNotFound, "No process " + std::to_string(pid)};
  }
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (processGone(static_cast<pid_t>(pid))) return {};
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return Error{ErrorCode::kState,
               "Process " + std::to_string(pid) + " did not stop within the time limit"};
}

}  // namespace gantry::cli
