// gnt-cluster master-failover: run on the master candidate that becomes
// the new master (Ganeti's bootstrap.MasterFailover). Checks from ssconf,
// the vote of the nodes (unless --no-voting), then this node's copy of the
// config names it master and is distributed, the old master is told to
// step down, and the master daemon is started here.
#include <iostream>
#include <sstream>

#include "cli/common/confirm.h"
#include "cli/common/daemon_control.h"
#include "cli/gnt-cluster/commands.h"
#include "core/cluster/identity.h"
#include "core/cluster/json_access.h"
#include "core/cluster/master_voting.h"
#include "core/config/store.h"
#include "core/luxi/errors.h"
#include "core/plugins/daemon_host.h"
#include "core/rpc/client.h"
#include "core/rpc/keys.h"
#include "core/rpc/small_file.h"
#include "daemon/master/cluster/config_push.h"
#include "daemon/master/cluster/node_rpc.h"

namespace gantry::cli::cluster {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::vector<std::string> ssconfList(const fs::path& dataDir, const std::string& key) {
  std::vector<std::string> items;
  auto text = core::rpc::readSmallFile(dataDir / ("ssconf_" + key), 1 << 20);
  if (!text) return items;
  std::istringstream in(*text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) items.push_back(line);
  }
  return items;
}

constexpr char kNoVotingQuestion[] =
    "This will perform the failover even if most other nodes are down, or if this node is "
    "outdated. This is dangerous as it can lead to a non-consistent cluster. Check the "
    "gnt-cluster(8) man page before proceeding. Continue?";

}  // namespace

int masterFailover(const Invocation& inv) {
  const bool noVoting = inv.options.flag("no_voting");
  if (noVoting && !inv.options.flag("yes_do_it") && !askYesNo(kNoVotingQuestion)) return 1;
  // Any value keeps it true, as Ganeti's option parsing does.
  const bool ignoreOffline = true;

  const fs::path root = rootDir();
  const auto paths = core::plugins::hostPathsForRoot(root);
  const auto masters = ssconfList(paths.dataDir, "master_node");
  auto self = core::cluster::loadIdentity(root);
  if (masters.empty() || !self) {
    throw core::luxi::opPrereqError(
        "Cluster not initialized or this machine is not part of a cluster", "wrong_input");
  }
  const std::string oldMaster = masters.front();
  const std::string newMaster = self->name;
  if (oldMaster == newMaster) {
    throw core::luxi::opPrereqError(
        "This commands must be run on the node where you want the new master to be. " +
            oldMaster + " is already the master",
        "wrong_input");
  }
  const auto candidates = ssconfList(paths.dataDir, "master_candidates");
  if (std::find(candidates.begin(), candidates.end(), newMaster) == candidates.end()) {
    std::string list;
    for (const auto& c : candidates) {
      if (c == oldMaster) continue;
      list += (list.empty() ? "" : "\n") + c;
    }
    throw core::luxi::opPrereqError(
        "This node is not among the nodes marked as master candidates. Only these nodes can "
        "become masters. Current list of master candidates is:\n" + list,
        "wrong_state");
  }

  auto keys = core::rpc::loadKeyPair(paths.dataDir, core::rpc::kClusterKeyName);
  if (!keys) {
    throw core::luxi::opPrereqError("This node does not hold the cluster key: " +
                                        keys.error().message,
                                    "environment_error");
  }
  core::rpc::ClientOptions rpcOptions;
  rpcOptions.clientKeys = *keys;
  core::rpc::RpcClient rpc(rpcOptions);
  auto store = core::config::ConfigStore::open(paths.dataDir);

  daemon::master::MasterServices services;
  services.paths = paths;
  services.config = store.get();
  services.rpc = &rpc;
  services.log = [](sdk::LogLevel, const std::string&) {};

  const json doc = store->get("");
  std::map<std::string, json> nodesByName;
  std::string newMasterUuid;
  for (const auto& [uuid, node] : core::cluster::objectMember(doc, "nodes").items()) {
    nodesByName[node.value("name", uuid)] = node;
    if (node.value("name", "") == newMaster) newMasterUuid = uuid;
  }
  if (newMasterUuid.empty()) {
    throw core::luxi::opPrereqError("Could not find new master node '" + newMaster +
                                        "' in cluster configuration.",
                                    "unknown_entity");
  }
  auto targetOf = [&](const std::string& name) {
    auto it = nodesByName.find(name);
    core::rpc::NodeTarget target;
    target.name = name;
    if (it != nodesByName.end()) {
      target = daemon::master::nodeTarget(services, it->second);
      target.offline = false;  // ssconf decided who is asked
    }
    return target;
  };

  if (!noVoting) {
    const auto voters = ssconfList(paths.dataDir, ignoreOffline ? "online_nodes" : "node_list");
    std::vector<core::rpc::NodeTarget> targets;
    for (const auto& name : voters) targets.push_back(targetOf(name));
    core::cluster::MasterAnswers answers;
    for (const auto& reply : daemon::master::callNodes(services, targets, "master_node_name",
                                                       json::object(), std::chrono::seconds(5))) {
      answers[reply.node] = reply.ok && reply.result.is_string()
                                ? std::optional<std::string>(reply.result.get<std::string>())
                                : std::nullopt;
    }
    const auto health = core::cluster::majorityHealthy(voters, answers);
    if (!health.majorityHealthy) {
      std::cerr << core::cluster::unhealthyMajorityMessage(health.unhealthy) << "\n";
      return 1;
    }
    if (auto wrong = core::cluster::wrongConfigurationMessage(
            oldMaster, core::cluster::countVotes(answers))) {
      throw core::luxi::opPrereqError(*wrong, "wrong_state");
    }
    // The candidate with the newest config takes over, none other.
    std::vector<core::rpc::NodeTarget> others;
    for (const auto& name : candidates) {
      if (name != newMaster) others.push_back(targetOf(name));
    }
    std::map<std::string, std::int64_t> serials;
    for (const auto& reply : daemon::master::callNodes(services, others, "config_serial",
                                                       json::object(), std::chrono::seconds(5))) {
      if (reply.ok && reply.result.is_number_integer()) {
        serials[reply.node] = reply.result.get<std::int64_t>();
      }
    }
    if (auto newer = core::cluster::newerConfigMessage(store->serial(), serials)) {
      throw core::luxi::opPrereqError(*newer, "wrong_state");
    }
  }

  int rcode = 0;
  store->commit({core::config::StoreOp::put("/cluster/master_node", newMasterUuid)});
  for (const auto& warning : daemon::master::distributeConfig(services)) {
    std::cerr << warning << "\n";
  }
  store->flush();

  auto stopped = daemon::master::callNode(services, targetOf(oldMaster), "node_stop_master",
                                          json::object(), std::chrono::seconds(5));
  if (!stopped.ok) {
    std::cerr << "Could not disable the master role on the old master " << oldMaster
              << ", please disable manually: " << stopped.msg << "\n";
  }
  services.config = nullptr;
  store.reset();

  std::vector<std::string> argv = {siblingBinary("gantry-masterd").string(), "--root",
                                   root.string()};
  if (noVoting) {
    argv.push_back("--no-voting");
    argv.push_back("--yes-do-it");
  }
  if (auto started = startDetached(argv); !started) {
    std::cerr << "Could not start the master role on the new master " << newMaster
              << ", please check: " << started.error().message << "\n";
    return 1;
  }
  if (!waitForMaster(root / "var/run/gantry/socket/gantry-query")) {
    std::cerr << "Could not start the master role on the new master " << newMaster
              << ", please check: " << (paths.logDir / "master-daemon.log").string() << "\n";
    rcode = 1;
  }
  return rcode;
}

}  // namespace gantry::cli::cluster
