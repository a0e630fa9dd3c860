// The master's client-API socket: a unix stream socket under the root dir,
// JSON messages ended by 0x03 (LUXI). One thread per connection; a
// malformed or oversize message, a client that vanishes mid-wait or idles
// too long only ever ends that connection.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace gantry::daemon::master {

class LuxiServer {
 public:
  /// Turns one request message into the response message (no terminator).
  using MessageHandler = std::function<std::string(std::string_view)>;
  using LogFunction = std::function<void(const std::string&)>;

  struct Options {
    std::filesystem::path socketPath;
    std::size_t maxMessageSize = 16u * 1024u * 1024u;
    std::chrono::seconds idleTimeout{180};
    int maxConnections = 256;
  };

  LuxiServer(Options options, MessageHandler handler, LogFunction log);
  ~LuxiServer();
  LuxiServer(const LuxiServer&) = delete;
  LuxiServer& operator=(const LuxiServer&) = delete;

  /// Binds (replacing a stale socket file) and starts accepting. Throws
  /// std::runtime_error naming the path on failure (e.g. a path longer
  /// than a unix socket allows).
  void start();
  /// Stops accepting, closes every connection and waits for their threads.
  void stop();

 private:
  void acceptLoop();
  void serveConnection(int fd);

  Options options_;
  MessageHandler handler_;
  LogFunction log_;
  int listenFd_ = -1;
  int wakePipe_[2] = {-1, -1};
  std::atomic<bool> stopping_{false};
  std::thread acceptThread_;
  std::mutex mutex_;
  std::condition_variable_any idle_;
  int active_ = 0;
};

}  // namespace gantry::daemon::master
