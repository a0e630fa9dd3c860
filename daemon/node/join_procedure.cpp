// join: the one procedure a node serves before it trusts a cluster key.
#include <nlohmann/json.hpp>

#include "core/rpc/join.h"
#include "daemon/node/node_context.h"

namespace gantry::daemon::node {

namespace {

namespace rpc = core::rpc;
using nlohmann::json;

sdk::Result<json> join(NodeContext& node, const json& args,
                       const rpc::CallContext& context) {
  const std::string key = args.at("cluster_public_key").get<std::string>();
  auto joined = rpc::completeJoin(node.paths.dataDir,
                                  args.at("token").get<std::string>(), key);
  if (!joined) {
    node.logger->warning("Refused join request from client key " +
                         context.peerKey + ": " + joined.error().message);
    return std::move(joined).error();
  }
  node.authorizer->setClusterKey(key);
  node.logger->info("Joined the cluster whose key is " + key);
  return json{{"fingerprint", node.nodeFingerprint}};
}

}  // namespace

void addJoinProcedure(rpc::ProcedureTable& table, NodeContext& node) {
  rpc::Procedure procedure{"join",
                           {{"token", rpc::ArgType::kString, true},
                            {"cluster_public_key", rpc::ArgType::kString, true}},
                           [&node](const json& args, const rpc::CallContext& context) {
                             return join(node, args, context);
                           }};
  procedure.allowedBeforeJoin = true;
  table.add(std::move(procedure));
}

}  // namespace gantry::daemon::node
