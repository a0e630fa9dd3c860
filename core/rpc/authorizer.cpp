#include "core/rpc/authorizer.h"

#include <utility>

#include "core/rpc/secrets.h"

namespace gantry::core::rpc {

ClientAuthorizer::ClientAuthorizer(std::optional<std::string> clusterKey,
                                   std::function<bool()> joinOpen)
    : clusterKey_(std::move(clusterKey)), joinOpen_(std::move(joinOpen)) {}

Access ClientAuthorizer::access(std::string_view clientKey) const {
  std::optional<std::string> key = clusterKey();
  if (key) {
    return constantTimeEquals(*key, clientKey) ? Access::kCluster
                                               : Access::kDenied;
  }
  return joinOpen_ && joinOpen_() ? Access::kJoinOnly : Access::kDenied;
}

std::optional<std::string> ClientAuthorizer::clusterKey() const {
  std::lock_guard lock(mutex_);
  return clusterKey_;
}

void ClientAuthorizer::setClusterKey(std::string key) {
  std::lock_guard lock(mutex_);
  clusterKey_ = std::move(key);
}

void ClientAuthorizer::clearClusterKey() {
  std::lock_guard lock(mutex_);
  clusterKey_.reset();
}

}  // namespace gantry::core::rpc
