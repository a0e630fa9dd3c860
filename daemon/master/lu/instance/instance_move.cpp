#include "daemon/master/lu/instance/instance_move.h"

#include "core/config/store.h"
#include "daemon/master/allocator/allocator_call.h"
#include "daemon/master/allocator/allocator_input.h"
#include "daemon/master/cluster/config_helpers.h"
#include "daemon/master/cluster/config_push.h"

namespace gantry::daemon::master {
using core::config::jsonPointer;
using core::config::StoreOp;
using nlohmann::json;

std::string diskTemplateOf(const json& doc, const json& instance) {
  const auto disks = instance.value("disks", json::array());
  if (disks.empty()) return "diskless";
  return doc.value("disks", json::object())
      .value(disks[0].get<std::string>(), json::object())
      .value("dev_type", "diskless");
}

bool movableByTemplate(const std::string& diskTemplate) {
  return diskTemplate == "sharedfile" || diskTemplate == "diskless";
}

MoveTarget checkMoveTarget(MasterServices& services, Feedback& feedback, const json& doc,
                           const json& instance, std::optional<std::string> targetName,
                           const std::optional<std::string>& iallocator, const std::string& verb) {
  requireAllocatorOrNode(iallocator, targetName);
  if (!targetName) {
    const auto allocator = chooseAllocator(doc, iallocator);
    if (!allocator) {
      throw PrereqError(
          "No iallocator or node given and no cluster-wide default iallocator found; please "
          "specify either an iallocator or a node, or set a cluster-wide default iallocator",
          sdk::ErrorCode::kInvalid);
    }
    const std::string uuid = instanceUuidByName(doc, instance.value("name", ""));
    const std::string primary =
        doc.at("nodes").at(instance.value("primary_node", "")).value("name", "");
    const auto nodes =
        allocateNodes(services, doc, *allocator, relocateRequest(doc, uuid, {primary}), 1);
    feedback.info("Selected nodes for instance " + instance.value("name", "") +
                  " via iallocator " + *allocator + ": " + nodes.front());
    targetName = nodes.front();
  }
  MoveTarget target;
  target.uuid = nodeUuidByName(doc, *targetName);
  target.node = doc.at("nodes").at(target.uuid);
  target.name = target.node.value("name", "");
  if (target.uuid == instance.value("primary_node", "")) {
    throw PrereqError("Cannot " + verb + " instance " + instance.value("name", "") +
                          " to its primary (" + target.name + ")",
                      sdk::ErrorCode::kState);
  }
  requireOnlineNode(target.node);
  if (target.node.value("drained", false)) {
    throw PrereqError("Cannot use drained node " + target.name, sdk::ErrorCode::kState);
  }
  return target;
}

void recordNewPrimary(MasterServices& services, Feedback& feedback, const json& doc,
                      const std::string& instanceUuid, const std::string& nodeUuid) {
  const json& instance = doc.at("instances").at(instanceUuid);
  core::config::StoreChange change = {
      StoreOp::put(jsonPointer({"instances", instanceUuid, "primary_node"}), nodeUuid),
      StoreOp::put(jsonPointer({"instances", instanceUuid, "serial_no"}),
                   instance.value("serial_no", 0) + 1),
      StoreOp::put(jsonPointer({"instances", instanceUuid, "mtime"}), nowSeconds())};
  commitAndDistribute(services, change, feedback);
}

void failoverInstance(MasterServices& services, Feedback& feedback, const json& doc,
                      const std::string& instanceUuid, const MoveTarget& target,
                      bool ignoreFailure, std::chrono::seconds shutdownTimeout) {
  const InstanceDescription source = describeInstance(doc, instanceUuid);
  const std::string name = source.instance.value("name", "");
  const bool sourceOffline = source.primaryNode.value("offline", false);
  feedback.message("* shutting down instance on source node");
  const std::string error =
      sourceOffline ? "node is offline" : stopOnPrimary(services, source, shutdownTimeout);
  if (!error.empty()) {
    if (!ignoreFailure && !sourceOffline) {
      throw ExecError("Could not shutdown instance " + name + " on node " +
                      source.primaryNodeName + ": " + error);
    }
    feedback.warning("Could not shutdown instance " + name + " on node " +
                     source.primaryNodeName + ", proceeding anyway; please make sure node " +
                     source.primaryNodeName + " is down; error details: " + error);
  }
  recordNewPrimary(services, feedback, doc, instanceUuid, target.uuid);
  if (doc.at("instances").at(instanceUuid).value("admin_state", "down") != "up") return;
  const InstanceDescription moved = describeInstance(*services.config->document(), instanceUuid);
  feedback.message("* activating the instance's disks on target node " + target.name);
  feedback.message("* starting the instance on the target node " + target.name);
  try {
    startOnPrimary(services, moved);
  } catch (const StartError& e) {
    throw ExecError("Could not start instance " + name + " on node " + target.name + ": " +
                    e.reason());
  }
}

}  // namespace gantry::daemon::master
