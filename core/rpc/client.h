// The master side of the RPC transport: calls a procedure on one node or on
// many nodes at once, under one overall timeout, and returns one NodeReply
// per node in the order asked. Offline nodes are never contacted; a node
// that does not answer in time is a connection error naming it. Nothing is
// thrown: every outcome is a NodeReply the caller (a logical unit) judges.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/rpc/keys.h"
#include "core/rpc/protocol.h"
#include "gantry/sdk/result.h"

namespace gantry::core::rpc {

/// One node as the master knows it.
struct NodeTarget {
  std::string name;
  std::string address;                // its primary IP
  std::uint16_t port = kDefaultPort;
  std::string serverKey;              // its CURVE public key (Z85)
  bool offline = false;               // never contacted when set
};

inline constexpr std::string_view kNodeOfflineMessage = "Node is marked offline";

struct NodeReply {
  std::string node;
  bool ok = false;
  /// The node is marked offline and was not contacted (ok is false; that
  /// is not a failure of the node, the caller decides what it means).
  bool offline = false;
  nlohmann::json result;  // when ok
  /// When !ok: the node's error code, or kEnvironment for a node that
  /// could not be reached.
  sdk::ErrorCode code = sdk::ErrorCode::kFault;
  /// When !ok, a line the CLI can print: the node's own message,
  /// "Node is marked offline", or "Error while contacting node <name>:
  /// timed out after 10s".
  std::string msg;
};

struct ClientOptions {
  /// The cluster key pair: what nodes accept.
  CurveKeyPair clientKeys;
  /// Default overall timeout of one call (to one node or to many).
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};
  /// Largest reply accepted.
  std::size_t maxMessageBytes = kDefaultMaxMessageBytes;
};

/// Thread-safe: any number of threads may call at once. Connections are
/// kept per node between calls; one that timed out is dropped.
class RpcClient {
 public:
  explicit RpcClient(ClientOptions options);
  ~RpcClient();
  RpcClient(const RpcClient&) = delete;
  RpcClient& operator=(const RpcClient&) = delete;

  NodeReply call(const NodeTarget& node, std::string_view proc,
                 const nlohmann::json& args = nlohmann::json::object(),
                 std::optional<std::chrono::milliseconds> timeout = {});

  /// The same call on every node, in parallel; one reply per node, in the
  /// order of `nodes`, all within `timeout` in total.
  std::vector<NodeReply> callMany(
      const std::vector<NodeTarget>& nodes, std::string_view proc,
      const nlohmann::json& args = nlohmann::json::object(),
      std::optional<std::chrono::milliseconds> timeout = {});

  /// As callMany with arguments per node (`args[i]` for `nodes[i]`; the
  /// sizes must match, else every reply is a kInvalid error).
  std::vector<NodeReply> callEach(
      const std::vector<NodeTarget>& nodes, std::string_view proc,
      const std::vector<nlohmann::json>& args,
      std::optional<std::chrono::milliseconds> timeout = {});

  /// Drops the idle connections to `node`. Called when its daemon may
  /// have restarted without trusting this cluster (a node that left and
  /// joins again): after a refused handshake libzmq gives a connection up
  /// for good, and a request sent on it would only time out.
  void forget(const NodeTarget& node);

 private:
  /// The calls with their arguments encoded: one text for every node, or
  /// one per node.
  std::vector<NodeReply> callEncoded(const std::vector<NodeTarget>& nodes, std::string_view proc,
                                     const std::vector<std::string>& argsTexts,
                                     std::optional<std::chrono::milliseconds> timeout);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gantry::core::rpc
