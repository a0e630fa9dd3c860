// A small client for qemu's QMP (QEMU Machine Protocol) on a unix socket:
// reads the greeting, negotiates capabilities, runs commands and keeps the
// asynchronous events that arrive in between. Every wait has a deadline: a
// peer that hangs or dies is an error, never a hang. After a timeout or a
// broken stream the client refuses further commands (the stream may be
// out of step). One client per connection, not shared between threads.
#pragma once

#include <chrono>
#include <deque>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gantry/sdk/result.h"

namespace gantry::plugins::kvm {

struct QmpEvent {
  std::string name;   // "SHUTDOWN", "STOP", "MIGRATION", ...
  std::string data;   // the event's "data" member as JSON text ("{}" if none)
};

class QmpClient {
 public:
  using Millis = std::chrono::milliseconds;

  /// Connects to `socket`, reads the greeting and sends qmp_capabilities,
  /// all within `timeout`. kNotFound when nothing listens there (the socket
  /// file is missing or refuses), kFault for protocol errors and timeouts.
  static sdk::Result<std::unique_ptr<QmpClient>> connect(
      const std::filesystem::path& socket, Millis timeout);
  /// The same over a connected stream socket the client now owns.
  static sdk::Result<std::unique_ptr<QmpClient>> adopt(int fd, Millis timeout);

  ~QmpClient();
  QmpClient(const QmpClient&) = delete;
  QmpClient& operator=(const QmpClient&) = delete;

  /// Runs `command` with `arguments` (an object, or null for none) and
  /// returns its "return" member. A QMP error reply is kFault with
  /// "<command>: <class>: <desc>".
  sdk::Result<nlohmann::json> execute(std::string_view command,
                                      const nlohmann::json& arguments, Millis timeout);
  sdk::Result<nlohmann::json> execute(std::string_view command, Millis timeout);

  /// Waits for the event `name` (or takes it if it already came).
  sdk::Result<QmpEvent> waitEvent(std::string_view name, Millis timeout);
  /// The events received so far, oldest first; the queue is emptied.
  std::vector<QmpEvent> takeEvents();
  /// "7.2.22" from the greeting.
  const std::string& qemuVersion() const { return version_; }

 private:
  explicit QmpClient(int fd);
  sdk::Result<void> handshake(Millis timeout);
  /// Reads one JSON message before `deadline`. A timeout makes the client
  /// unusable when a reply was owed (`timeoutBreaks`).
  sdk::Result<nlohmann::json> readMessage(std::chrono::steady_clock::time_point deadline,
                                          bool timeoutBreaks = true);
  sdk::Result<void> writeAll(const std::string& data,
                             std::chrono::steady_clock::time_point deadline);
  sdk::Error broken(sdk::Error error);

  int fd_ = -1;
  bool broken_ = false;
  std::string buffer_;
  std::deque<QmpEvent> events_;
  std::string version_;
  std::uint64_t nextId_ = 1;
};

}  // namespace gantry::plugins::kvm
