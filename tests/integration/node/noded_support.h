// Real gantry-noded processes for the integration tests: each with its own
// root dir, on its own 127.0.1.N address, stopped by PID when the guard goes
// away (even when the test fails).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "core/rpc/client.h"
#include "core/rpc/keys.h"

namespace gantry::test {

/// The build tree's gantry-noded.
std::filesystem::path nodedBinary();

/// A port from this test process's own block of ten (30000 + pid % 1000 *
/// 10 ...), handed out in turn.
std::uint16_t nextNodePort();

/// Runs a program and returns its stdout; fails the test when it does not
/// exit with 0.
std::string runTool(const std::vector<std::string>& argv);

class NodeDaemon {
 public:
  NodeDaemon(std::filesystem::path root, std::string name, std::string address);
  /// SIGKILL and reap if it still runs.
  ~NodeDaemon();
  NodeDaemon(const NodeDaemon&) = delete;
  NodeDaemon& operator=(const NodeDaemon&) = delete;

  /// Creates the node's key pair (through --print-public-key) and, when
  /// given, the cluster key it accepts.
  void prepare(const std::optional<std::string>& clusterPublicKey);
  /// Starts the daemon in the background; false if it could not be spawned.
  bool start(const std::vector<std::string>& extraArgs = {});
  /// Calls `version` until it answers (the client queues the request until
  /// the daemon listens); false if it does not within `limit`.
  bool waitReady(const core::rpc::CurveKeyPair& clusterKeys,
                 std::chrono::milliseconds limit = std::chrono::seconds(15));
  /// Still running (not exited)?
  bool running();
  /// Sends `signal` and waits for the exit; the wait status, or nullopt if
  /// it did not exit within `limit`.
  std::optional<int> stop(int signal, std::chrono::milliseconds limit =
                                          std::chrono::seconds(10));

  core::rpc::NodeTarget target() const;
  pid_t pid() const { return pid_; }
  const std::string& name() const { return name_; }
  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path dataDir() const;
  std::filesystem::path logFile() const;
  std::filesystem::path pidFile() const;
  std::uint16_t port() const { return port_; }
  const std::string& publicKey() const { return publicKey_; }
  /// The daemon's log file as text.
  std::string logText() const;

 private:
  std::optional<int> waitExit(std::chrono::milliseconds limit);

  std::filesystem::path root_;
  std::string name_;
  std::string address_;
  std::uint16_t port_;
  std::string publicKey_;
  pid_t pid_ = -1;
};

/// A DEALER connection to a node, for sending bytes as they are: with CURVE
/// when `clientKeys` is given, plain otherwise. Requests sent on one
/// connection reach the daemon's queue in the order sent.
class RawConnection {
 public:
  RawConnection(const core::rpc::NodeTarget& node,
                const core::rpc::CurveKeyPair* clientKeys);
  bool send(const std::string& payload);
  /// The next reply's bytes, or nullopt if none comes within `timeout`.
  std::optional<std::string> receive(std::chrono::milliseconds timeout);

 private:
  zmq::context_t context_;
  zmq::socket_t socket_;
};

/// One raw request on a fresh RawConnection; the reply or nullopt.
std::optional<std::string> rawExchange(const core::rpc::NodeTarget& node,
                                       const core::rpc::CurveKeyPair* clientKeys,
                                       const std::string& payload,
                                       std::chrono::milliseconds timeout);

}  // namespace gantry::test
