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
std::vector<std::string> storedArgs;
std::vector<char*> storedArgv;

void onFatalSignal(int signal) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execve(storedArgv[0], storedArgv.data(), environ);
    ::_exit(127);
  }
  if (pid > 0) {
    int status = 0;
    ::waitpid(pid, &status, 0);
  }
  static const char message[] = "bench_instance_ops: interrupted; virtual cluster brought down\n";
  (void)!::write(STDERR_FILENO, message, sizeof message - 1);
  ::_exit(128 + signal);
}

}  // namespace

void runOnFatalSignal(const std::vector<std::string>& argv) {
  clearFatalSignalCommand();
  storedArgs = argv;
  storedArgv.clear();
  for (auto& a : storedArgs) storedArgv.push_back(a.data());
  storedArgv.push_back(nullptr);
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
