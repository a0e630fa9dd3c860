// OP_NODE_REMOVE: removes a node without instances from the cluster,
// forgets its key, tells the node to leave and refills the candidate pool.
#include <chrono>

#include "core/cluster/json_access.h"
#include "core/cluster/node_keys.h"
#include "core/config/store.h"
#include "core/locking/lock_manager.h"
#include "daemon/master/cluster/config_helpers.h"
#include "daemon/master/cluster/config_push.h"
#include "daemon/master/cluster/node_rpc.h"
#include "daemon/master/lu/logical_unit.h"

namespace gantry::daemon::master {
namespace {
using core::config::jsonPointer;
using core::config::StoreOp;
using nlohmann::json;

class LuNodeRemove : public LogicalUnit {
 public:
  using LogicalUnit::LogicalUnit;

  std::string hooksPath() const override { return "node-remove"; }
  std::map<std::string, std::string> hooksEnv() const override {
    return {{"OP_TARGET", name_}, {"NODE_NAME", name_}};
  }

  void checkPrereq() override {
    if (services.config == nullptr) throw PrereqError("The cluster is not initialized");
    doc_ = services.config->get("");
    uuid_ = nodeUuidByName(doc_, op.getString("node_name"));
    name_ = doc_.at("nodes").at(uuid_).value("name", "");
    offline_ = doc_.at("nodes").at(uuid_).value("offline", false);
    if (uuid_ == doc_.value("/cluster/master_node"_json_pointer, "")) {
      throw PrereqError("Node is the master node, failover to another node is required",
                        sdk::ErrorCode::kInvalid);
    }
    for (const auto& [iuuid, inst] : core::cluster::objectMember(doc_, "instances").items()) {
      bool uses = inst.value("primary_node", "") == uuid_;
      for (const auto& duuid : inst.value("disks", json::array())) {
        const auto disk = doc_.value("disks", json::object()).value(duuid.get<std::string>(),
                                                                    json::object());
        for (const auto& n : disk.value("nodes", json::array())) uses = uses || n == uuid_;
      }
      if (uses) {
        throw PrereqError("Instance " + inst.value("name", iuuid) +
                              " is still running on the node, please remove first",
                          sdk::ErrorCode::kInvalid);
      }
    }
  }

  json exec() override {
    const double now = nowSeconds();
    core::config::StoreChange change = {StoreOp::remove(jsonPointer({"nodes", uuid_}))};
    json trial = doc_;
    trial["nodes"].erase(uuid_);
    auto promoted = maintainCandidatePool(trial, change, now);
    if (!promoted.empty()) {
      std::string names;
      for (const auto& p : promoted) names += (names.empty() ? "" : ", ") + p;
      feedback.info("Promoted nodes to master candidate role: " + names);
    }
    bumpCluster(doc_, change, now);
    commitAndDistribute(services, change, feedback);
    // The node forgets the cluster and its daemon stops; a node that is
    // down or offline is removed all the same (Ganeti warns likewise).
    if (!offline_) {
      auto replies = callNodes(services, {nodeTarget(services, doc_.at("nodes").at(uuid_))},
                               "node_leave_cluster", {{"modify_ssh_setup", false}},
                               std::chrono::seconds(10));
      if (!replies.empty() && !replies[0].ok) {
        feedback.warning("Errors encountered on the remote node while leaving the cluster: " +
                         replies[0].msg);
      }
      if (services.rpc != nullptr) {
        services.rpc->forget(nodeTarget(services, doc_.at("nodes").at(uuid_)));
      }
    }
    core::cluster::removeAcceptedNode(services.paths.dataDir, name_);
    if (services.locks != nullptr) {
      const std::string owner = "node-remove:" + name_;
      for (auto level : {core::locking::Level::kNodeRes, core::locking::Level::kNode}) {
        services.locks->remove(owner, level, {name_});
      }
    }
    return nullptr;
  }

 private:
  json doc_;
  std::string uuid_;
  std::string name_;
  bool offline_ = false;
};

}  // namespace

void registerNodeRemove() {
  registerLogicalUnit("OP_NODE_REMOVE", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuNodeRemove>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
