// Who may talk to a node daemon. A node trusts exactly one client key, the
// cluster's; until it has one, it lets any CURVE client in but only to call
// `join`, and only while a one-time join token exists on the node.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/rpc/procedures.h"

namespace gantry::core::rpc {

class ClientAuthorizer {
 public:
  /// `clusterKey`: the accepted public key (Z85), nullopt before the node
  /// joins. `joinOpen` says whether a join token exists right now (checked
  /// at each connection, so creating or removing the file takes effect
  /// without a restart); null means never.
  ClientAuthorizer(std::optional<std::string> clusterKey,
                   std::function<bool()> joinOpen);

  /// kCluster for the cluster key; kJoinOnly for any key while the node has
  /// no cluster key and a join token exists; else kDenied. Thread-safe.
  Access access(std::string_view clientKey) const;

  std::optional<std::string> clusterKey() const;
  /// After a join or a key rotation. Thread-safe.
  void setClusterKey(std::string key);
  /// After the node left its cluster: no client is trusted any more.
  void clearClusterKey();

 private:
  mutable std::mutex mutex_;
  std::optional<std::string> clusterKey_;
  std::function<bool()> joinOpen_;
};

}  // namespace gantry::core::rpc
