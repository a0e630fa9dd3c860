// node_leave_cluster: a node removed from the cluster forgets it (Ganeti's
// node_leave_cluster): the cluster's config, ssconf files, keys and
// secrets go, the cluster key is no longer trusted, and the daemon stops
// shortly after answering. The node's own key pair stays: it is the
// node's identity, and a new cluster must still accept it explicitly.
// The job queue copy is left in place, as Ganeti leaves it.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "daemon/node/node_context.h"

namespace gantry::daemon::node {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using sdk::Error;
using sdk::ErrorCode;

// Files of the data directory that belong to the cluster, not the node.
bool isClusterFile(const std::string& name) {
  for (const char* prefix : {"config.data", "ssconf_", "cluster-curve."}) {
    if (name.rfind(prefix, 0) == 0) return true;
  }
  return name == "hmac.key" || name == "cluster-domain-secret" || name == "node-keys";
}

sdk::Result<json> leaveCluster(NodeContext& node) {
  if (fs::exists(node.paths.runDir / "gantry-masterd.pid")) {
    return Error{ErrorCode::kState, "The master daemon runs on this node, will not leave"};
  }
  std::vector<fs::path> doomed;
  std::error_code ec;
  for (fs::directory_iterator it(node.paths.dataDir, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (isClusterFile(it->path().filename().string())) doomed.push_back(it->path());
  }
  std::string failures;
  for (const auto& path : doomed) {
    std::error_code rm;
    fs::remove_all(path, rm);
    if (rm) failures += (failures.empty() ? "" : "; ") + path.string() + ": " + rm.message();
  }
  node.authorizer->clearClusterKey();
  node.logger->info("Left the cluster: removed " + std::to_string(doomed.size()) +
                    " cluster files; stopping");
  // The answer goes out first; then the daemon stops as if told to.
  std::thread([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ::kill(::getpid(), SIGTERM);
  }).detach();
  if (!failures.empty()) {
    return Error{ErrorCode::kEnvironment, "Some cluster files could not be removed: " + failures};
  }
  return json(nullptr);
}

}  // namespace

void addLeaveProcedure(core::rpc::ProcedureTable& table, NodeContext& node) {
  table.add({"node_leave_cluster",
             {{"modify_ssh_setup", core::rpc::ArgType::kBool, false}},
             [&node](const json&, const core::rpc::CallContext&) { return leaveCluster(node); }});
}

}  // namespace gantry::daemon::node
