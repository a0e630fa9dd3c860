#include "teardown_on_signal.h"

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

extern char** environ;

namespace gantry::bench {
namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

// Built before the handler is installed; the handler only reads them.
std::vector<std::vector<std::string>> storedCommands;
std::vector<std::vector<char*>> storedArgvs;

void onFatalSignal(int signal) {
  for (auto& argv : storedArgvs) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::execve(argv[0], argv.data(), environ);
      ::_exit(127);
    }
    if (pid > 0) {
      int status = 0;
      ::waitpid(pid, &status, 0);
    }
  }
  static const char message[] = "bench_instance_ops: interrupted; virtual cluster brought down\n";
  (void)!::write(STDERR_FILENO, message, sizeof message - 1);
  ::_exit(128 + signal);
}

}  // namespace

void runOnFatalSignal(const std::vector<std::vector<std::string>>& commands) {
  clearFatalSignalCommand();
  storedCommands = commands;
  storedArgvs.clear();
  for (auto& command : storedCommands) {
    std::vector<char*> argv;
    for (auto& a : command) argv.push_back(a.data());
    argv.push_back(nullptr);
    storedArgvs.push_back(std::move(argv));
  }
  struct sigaction action;
  std::memset(&action, 0, sizeof action);
  action.sa_handler = onFatalSignal;
  sigfillset(&action.sa_mask);  // one teardown, not one per signal
  for (int s : kSignals) ::sigaction(s, &action, nullptr);
}

void clearFatalSignalCommand() {
  for (int s : kSignals) std::signal(s, SIG_DFL);
}

}  // namespace gantry::bench
