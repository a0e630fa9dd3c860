#include "daemon/master/cluster/node_rpc.h"

#include "core/cluster/node_keys.h"
#include "core/cluster/tcp_ping.h"

namespace gantry::daemon::master {

core::rpc::NodeTarget nodeTarget(const MasterServices& services, const nlohmann::json& node) {
  core::rpc::NodeTarget target;
  target.name = node.value("name", "");
  target.address = node.value("primary_ip", "");
  target.offline = node.value("offline", false);
  if (auto accepted = core::cluster::loadAcceptedNode(services.paths.dataDir, target.name)) {
    target.port = accepted->port;
    target.serverKey = accepted->publicKey;
  }
  return target;
}

namespace {

core::rpc::NodeReply unreachable(const core::rpc::NodeTarget& target, const std::string& why) {
  core::rpc::NodeReply reply;
  reply.node = target.name;
  reply.code = sdk::ErrorCode::kEnvironment;
  reply.msg = why;
  return reply;
}

}  // namespace

std::vector<core::rpc::NodeReply> callNodes(MasterServices& services,
                                            const std::vector<core::rpc::NodeTarget>& targets,
                                            std::string_view proc, const nlohmann::json& args,
                                            std::chrono::milliseconds timeout) {
  std::vector<core::rpc::NodeReply> replies(targets.size());
  std::vector<core::rpc::NodeTarget> callable;
  std::vector<std::size_t> index;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (services.rpc == nullptr) {
      replies[i] = unreachable(targets[i], "The master has no cluster key to call nodes with");
    } else if (targets[i].serverKey.empty() && !targets[i].offline) {
      replies[i] = unreachable(targets[i], "Node " + targets[i].name +
                                               " has not been accepted (no known node key)");
    } else {
      callable.push_back(targets[i]);
      index.push_back(i);
    }
  }
  if (!callable.empty()) {
    auto got = services.rpc->callMany(callable, proc, args, timeout);
    for (std::size_t i = 0; i < got.size(); ++i) replies[index[i]] = std::move(got[i]);
  }
  return replies;
}

core::rpc::NodeReply callNode(MasterServices& services, const core::rpc::NodeTarget& target,
                              std::string_view proc, const nlohmann::json& args,
                              std::chrono::milliseconds timeout) {
  return callNodes(services, {target}, proc, args, timeout).front();
}

std::vector<core::rpc::NodeReply> callReachableNodes(
    MasterServices& services, const std::vector<core::rpc::NodeTarget>& targets,
    std::string_view proc, const nlohmann::json& args, std::chrono::milliseconds timeout) {
  constexpr std::chrono::milliseconds kReachableTimeout{2000};
  std::vector<core::rpc::NodeReply> replies(targets.size());
  std::vector<core::rpc::NodeTarget> callable;
  std::vector<std::size_t> index;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const auto& t = targets[i];
    if (!t.offline && !t.serverKey.empty() &&
        !core::cluster::tcpPing("", t.address, t.port, kReachableTimeout)) {
      replies[i].node = t.name;
      replies[i].code = sdk::ErrorCode::kEnvironment;
      replies[i].msg = "Error while contacting node " + t.name + ": cannot connect to " +
                       t.address + " port " + std::to_string(t.port);
      continue;
    }
    callable.push_back(t);
    index.push_back(i);
  }
  auto got = callNodes(services, callable, proc, args, timeout);
  for (std::size_t i = 0; i < got.size(); ++i) replies[index[i]] = std::move(got[i]);
  return replies;
}

}  // namespace gantry::daemon::master
