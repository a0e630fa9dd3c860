// OP_INSTANCE_FAILOVER: moves an instance whose disks every node can reach
// (sharedfile, diskless) to another node by stopping it on its primary and
// starting it on the target, with Ganeti's step messages. A primary that is
// down only stops the failover when consistency is not being ignored. DRBD
// instances come with the DRBD storage.
#include "core/config/store.h"
#include "core/locking/lock_manager.h"
#include "daemon/master/cluster/config_helpers.h"
#include "daemon/master/cluster/config_push.h"
#include "daemon/master/lu/instance/instance_helpers.h"

namespace gantry::daemon::master {
namespace {
using core::config::jsonPointer;
using core::config::StoreOp;
using nlohmann::json;

// Ganeti's DTS_EXT_MIRROR, as far as Gantry has the storage.
bool reachableFromEveryNode(const std::string& diskTemplate) {
  return diskTemplate == "sharedfile" || diskTemplate == "diskless";
}

std::string templateOf(const json& doc, const json& instance) {
  const auto disks = instance.value("disks", json::array());
  if (disks.empty()) return "diskless";
  return doc.value("disks", json::object())
      .value(disks[0].get<std::string>(), json::object())
      .value("dev_type", "diskless");
}

class LuInstanceFailover : public LogicalUnit {
 public:
  using LogicalUnit::LogicalUnit;

  std::string hooksPath() const override { return "instance-failover"; }
  std::string hooksObjectType() const override { return "INSTANCE"; }
  std::map<std::string, std::string> hooksEnv() const override {
    return {{"INSTANCE_NAME", name_},
            {"OLD_PRIMARY", source_.primaryNodeName},
            {"NEW_PRIMARY", targetName_},
            {"IGNORE_CONSISTENCY", op.getBool("ignore_consistency") ? "True" : "False"},
            {"SHUTDOWN_TIMEOUT", std::to_string(op.getInt("shutdown_timeout"))}};
  }

  void expandNames() override {
    name_ = op.getString("instance_name");
    if (services.config != nullptr) requireInstance(services.config->get(""), name_);
    neededLocks[core::locking::Level::kInstance] = {false, {name_}};
  }

  void checkPrereq() override {
    if (services.config == nullptr) throw PrereqError("The cluster is not initialized");
    doc_ = services.config->get("");
    uuid_ = requireInstance(doc_, name_);
    const json& instance = doc_.at("instances").at(uuid_);
    const std::string layout = templateOf(doc_, instance);
    if (!reachableFromEveryNode(layout)) {
      throw PrereqError("Instance's disk layout '" + layout + "' does not allow failovers",
                        sdk::ErrorCode::kState);
    }
    const auto target = op.optString("target_node");
    if (!target) {
      throw PrereqError(
          "No iallocator or node given and no cluster-wide default iallocator found; please "
          "specify either an iallocator or a node, or set a cluster-wide default iallocator",
          sdk::ErrorCode::kInvalid);
    }
    targetUuid_ = nodeUuidByName(doc_, *target);
    const json& targetNode = doc_.at("nodes").at(targetUuid_);
    targetName_ = targetNode.value("name", "");
    source_ = describeInstance(doc_, uuid_);
    if (targetUuid_ == instance.value("primary_node", "")) {
      throw PrereqError("Cannot failover instance " + name_ + " to its primary (" +
                            targetName_ + ")",
                        sdk::ErrorCode::kState);
    }
    requireOnlineNode(targetNode);
    if (targetNode.value("drained", false)) {
      throw PrereqError("Cannot use drained node " + targetName_, sdk::ErrorCode::kState);
    }
    up_ = instance.value("admin_state", "down") == "up";
    if (up_) {
      requireFreeMemory(services, targetNode, instance.value("hypervisor", ""),
                        filledBeparams(doc_, instance).value("maxmem", 128),
                        "failing over instance " + name_);
    }
  }

  json exec() override {
    const bool sourceOffline = source_.primaryNode.value("offline", false);
    feedback.message("* shutting down instance on source node");
    const std::string error =
        sourceOffline ? "node is offline"
                      : stopOnPrimary(services, source_,
                                      std::chrono::seconds(op.getInt("shutdown_timeout")));
    if (!error.empty()) {
      if (op.getBool("ignore_consistency") || sourceOffline) {
        feedback.warning("Could not shutdown instance " + name_ + " on node " +
                         source_.primaryNodeName + ", proceeding anyway; please make sure node " +
                         source_.primaryNodeName + " is down; error details: " + error);
      } else {
        throw ExecError("Could not shutdown instance " + name_ + " on node " +
                        source_.primaryNodeName + ": " + error);
      }
    }

    const json& instance = doc_.at("instances").at(uuid_);
    core::config::StoreChange change = {
        StoreOp::put(jsonPointer({"instances", uuid_, "primary_node"}), targetUuid_),
        StoreOp::put(jsonPointer({"instances", uuid_, "serial_no"}),
                     instance.value("serial_no", 0) + 1),
        StoreOp::put(jsonPointer({"instances", uuid_, "mtime"}), nowSeconds())};
    commitAndDistribute(services, change, feedback);

    if (up_) {
      const InstanceDescription moved = describeInstance(services.config->get(""), uuid_);
      feedback.message("* activating the instance's disks on target node " + targetName_);
      feedback.message("* starting the instance on the target node " + targetName_);
      try {
        startOnPrimary(services, moved);
      } catch (const ExecError& e) {
        throw ExecError("Could not start instance " + name_ + " on node " + targetName_ +
                        ": " + std::string(e.what()).substr(std::string("Could not start instance: ").size()));
      }
    }
    return nullptr;
  }

 private:
  json doc_;
  std::string name_, uuid_, targetUuid_, targetName_;
  InstanceDescription source_;
  bool up_ = false;
};

}  // namespace

void registerInstanceFailover() {
  registerLogicalUnit("OP_INSTANCE_FAILOVER", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuInstanceFailover>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
