#include "cli/console-relay/console_terminal.h"

#include <poll.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>

#include "core/luxi/errors.h"
#include "core/rpc/base64.h"

namespace gantry::cli::console_relay {
namespace {
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// How long one read waits on the node for output: short enough that
// detaching is quick, long enough that an idle console costs little.
constexpr std::int64_t kReadWaitMs = 500;
constexpr auto kCallTimeout = 10s;
// Output still on its way when standard input ends (a script piping its
// keystrokes in) is given this long to arrive.
constexpr auto kLingerAfterInputEnd = 1s;

volatile std::sig_atomic_t gSignalled = 0;
void onSignal(int) { gSignalled = 1; }

// SIGTERM, SIGHUP and SIGINT end the session cleanly (console closed on
// the node, terminal restored) instead of killing the process mid-way.
class SignalsEndSession {
 public:
  SignalsEndSession() {
    gSignalled = 0;
    struct sigaction action {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    for (std::size_t i = 0; i < kSignals.size(); ++i) ::sigaction(kSignals[i], &action, &saved_[i]);
  }
  ~SignalsEndSession() {
    for (std::size_t i = 0; i < kSignals.size(); ++i) ::sigaction(kSignals[i], &saved_[i], nullptr);
  }
  SignalsEndSession(const SignalsEndSession&) = delete;
  SignalsEndSession& operator=(const SignalsEndSession&) = delete;

 private:
  static constexpr std::array<int, 3> kSignals{SIGTERM, SIGHUP, SIGINT};
  std::array<struct sigaction, 3> saved_{};
};

// The terminal in raw mode while attached, as socat's STDIO,raw,echo=0
// puts it: every byte goes to the guest, Ctrl-C included.
class RawTerminal {
 public:
  RawTerminal() {
    if (::isatty(STDIN_FILENO) == 0 || ::tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios raw = saved_;
    ::cfmakeraw(&raw);
    active_ = ::tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
  }
  ~RawTerminal() { restore(); }
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;
  bool active() const { return active_; }
  void restore() {
    if (active_) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
    active_ = false;
  }

 private:
  termios saved_{};
  bool active_ = false;
};

void writeAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the operator's side is gone; nothing to tell
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Copies the guest's output to standard output until told to stop, the
// console closes or the node stops answering.
class OutputPump {
 public:
  OutputPump(core::rpc::RpcClient& rpc, const core::rpc::NodeTarget& node, std::string session)
      : rpc_(rpc), node_(node), session_(std::move(session)), thread_([this] { run(); }) {}
  ~OutputPump() { stop(); }
  OutputPump(const OutputPump&) = delete;
  OutputPump& operator=(const OutputPump&) = delete;

  bool finished() const { return finished_; }
  bool consoleClosed() const { return closed_; }
  std::optional<std::string> failure() {
    std::lock_guard lock(mutex_);
    return failure_;
  }
  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  void run() {
    while (!stopping_) {
      auto reply = rpc_.call(node_, "instance_console_read",
                             {{"session", session_}, {"wait_ms", kReadWaitMs}}, kCallTimeout);
      if (!reply.ok) {
        std::lock_guard lock(mutex_);
        failure_ = reply.msg;
        break;
      }
      if (auto bytes = core::rpc::base64Decode(reply.result.value("data", "")); bytes) {
        writeAll(STDOUT_FILENO, *bytes);
      }
      if (reply.result.value("closed", false)) {
        closed_ = true;
        break;
      }
    }
    finished_ = true;
  }

  core::rpc::RpcClient& rpc_;
  const core::rpc::NodeTarget& node_;
  const std::string session_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> finished_{false};
  std::atomic<bool> closed_{false};
  std::mutex mutex_;
  std::optional<std::string> failure_;
  std::thread thread_;
};

[[noreturn]] void connectionFailed(const RelayedConsole& target, const std::string& why) {
  throw core::luxi::opExecError("Connection to console of instance " + target.instance +
                                " failed: " + why);
}

}  // namespace

ConsoleOutcome attachConsole(core::rpc::RpcClient& rpc, const RelayedConsole& target) {
  auto opened = rpc.call(target.node, "instance_console_open",
                         {{"instance", target.instance}, {"hypervisor", target.hypervisor}},
                         kCallTimeout);
  if (!opened.ok) {
    if (opened.code == sdk::ErrorCode::kUnsupported) return ConsoleOutcome::kUnsupported;
    throw core::luxi::opExecError(opened.msg);
  }
  const std::string session = opened.result.value("session", "");
  SignalsEndSession signals;
  std::optional<std::string> writeFailure;
  bool closed = false;
  {
    RawTerminal terminal;
    if (terminal.active()) {
      writeAll(STDERR_FILENO, "Connected to the console of instance " + target.instance +
                                  " on node " + target.node.name + "; Ctrl-] detaches.\r\n");
    }
    OutputPump output(rpc, target.node, session);
    std::optional<Clock::time_point> inputEnded;
    char buffer[4096];
    while (!output.finished() && gSignalled == 0) {
      if (inputEnded) {
        if (Clock::now() - *inputEnded > kLingerAfterInputEnd) break;
        std::this_thread::sleep_for(50ms);
        continue;
      }
      pollfd p{STDIN_FILENO, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      const ssize_t got = ::read(STDIN_FILENO, buffer, sizeof(buffer));
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (got <= 0) {
        inputEnded = Clock::now();
        continue;
      }
      std::string_view typed(buffer, static_cast<std::size_t>(got));
      const std::size_t escape = typed.find(kDetachByte);
      if (escape != std::string_view::npos) typed = typed.substr(0, escape);
      if (!typed.empty()) {
        auto written = rpc.call(target.node, "instance_console_write",
                                {{"session", session}, {"data", core::rpc::base64Encode(typed)}},
                                kCallTimeout);
        if (!written.ok) {
          writeFailure = written.msg;
          break;
        }
      }
      if (escape != std::string_view::npos) break;
    }
    output.stop();
    closed = output.consoleClosed();
    if (!writeFailure && !closed) writeFailure = output.failure();
    terminal.restore();
  }
  if (!closed) {
    rpc.call(target.node, "instance_console_close", {{"session", session}}, 2s);
  }
  if (writeFailure) connectionFailed(target, *writeFailure);
  return closed ? ConsoleOutcome::kClosed : ConsoleOutcome::kDetached;
}

}  // namespace gantry::cli::console_relay
