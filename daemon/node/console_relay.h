// The serial consoles a node relays to operators. `gnt-instance console`
// reaches an instance's console through the node daemon (bytes in, bytes
// out, over the authenticated RPC) instead of a login shell on the node.
// One client per instance at a time: a second one is refused by name, as
// the console is a terminal that two typists would garble. A client that
// vanished without closing (killed, network gone) stops holding the
// console once it has been silent for the idle limit; clients poll far
// more often than that.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "gantry/sdk/result.h"

namespace gantry::daemon::node {

class ConsoleRelay {
 public:
  /// What one read returns: the bytes the guest wrote, and whether its
  /// console went away (the instance stopped); the session then ends.
  struct Output {
    std::string bytes;
    bool closed = false;
  };

  explicit ConsoleRelay(std::chrono::milliseconds idleLimit = std::chrono::seconds(10));
  ~ConsoleRelay();
  ConsoleRelay(const ConsoleRelay&) = delete;
  ConsoleRelay& operator=(const ConsoleRelay&) = delete;

  /// Connects to the console socket of `instance` and returns the session
  /// token the other calls take. kState when another client holds it or
  /// when nothing listens on `socket` (the instance does not run here).
  sdk::Result<std::string> open(const std::string& instance, const std::filesystem::path& socket);
  /// Sends the operator's bytes to the guest.
  sdk::Result<void> write(const std::string& session, std::string_view bytes);
  /// Waits up to `wait` for output, then returns what is there.
  sdk::Result<Output> read(const std::string& session, std::chrono::milliseconds wait);
  /// Ends the session; unknown tokens are ignored (closing twice is fine).
  void close(const std::string& session);

  /// How many clients are attached.
  std::size_t sessionCount();

 private:
  struct Session;
  std::shared_ptr<Session> find(const std::string& session);
  void dropIdleLocked(std::chrono::steady_clock::time_point now);

  std::chrono::milliseconds idleLimit_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Session>> sessions_;  // by token
};

}  // namespace gantry::daemon::node
