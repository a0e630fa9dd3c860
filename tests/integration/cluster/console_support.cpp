#include "cluster/console_support.h"

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

namespace gantry::test {
namespace {
using Clock = std::chrono::steady_clock;
}

ConsoleClient::ConsoleClient(const VirtualCluster& cluster, const std::string& node,
                             const std::string& instance) {
  const std::string script = std::string(GANTRY_SOURCE_DIR) + "/scripts/vcluster";
  pid_ = ::forkpty(&master_, nullptr, nullptr, nullptr);
  if (pid_ == 0) {
    ::execl(script.c_str(), script.c_str(), "exec", cluster.dir().c_str(), node.c_str(),
            "gnt-instance", "console", instance.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
}

ConsoleClient::~ConsoleClient() {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (master_ >= 0) ::close(master_);
}

bool ConsoleClient::readSome(std::chrono::milliseconds timeout) {
  if (master_ < 0) return false;
  pollfd p{master_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return true;
  char buffer[4096];
  const ssize_t got = ::read(master_, buffer, sizeof(buffer));
  if (got > 0) {
    transcript_.append(buffer, static_cast<std::size_t>(got));
    return true;
  }
  if (got < 0 && errno == EINTR) return true;
  return false;  // EIO: the tool closed its terminal (it ended)
}

bool ConsoleClient::waitFor(const std::string& text, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto at = transcript_.find(text, consumed_);
    if (at != std::string::npos) {
      consumed_ = at + text.size();
      return true;
    }
    if (Clock::now() >= deadline || !readSome(std::chrono::milliseconds(100))) return false;
  }
}

std::optional<long> ConsoleClient::nextTick(std::chrono::milliseconds timeout) {
  if (!waitFor("TICK ", timeout)) return std::nullopt;
  const auto deadline = Clock::now() + timeout;
  while (transcript_.find('\n', consumed_) == std::string::npos && Clock::now() < deadline &&
         readSome(std::chrono::milliseconds(100))) {
  }
  try {
    return std::stol(transcript_.substr(consumed_));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void ConsoleClient::type(const std::string& bytes) {
  if (master_ >= 0) (void)!::write(master_, bytes.data(), bytes.size());
}

int ConsoleClient::waitExit(std::chrono::milliseconds timeout) {
  if (status_) return *status_;
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    readSome(std::chrono::milliseconds(50));  // keeps the terminal drained
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      // What it printed last is still in the terminal.
      for (int i = 0; i < 100; ++i) {
        pollfd p{master_, POLLIN, 0};
        if (::poll(&p, 1, 0) <= 0 || !readSome(std::chrono::milliseconds(0))) break;
      }
      return *status_;
    }
  }
  return -1;
}

int ConsoleClient::detach(std::chrono::milliseconds timeout) {
  type("\x1d");
  return waitExit(timeout);
}

}  // namespace gantry::test
