#include "daemon/master/lu/instance/disk_helpers.h"

#include "core/cluster/json_access.h"
#include "core/config/store.h"
#include "daemon/master/cluster/node_rpc.h"
#include "daemon/master/lu/instance/instance_helpers.h"

namespace gantry::daemon::master {
using core::cluster::objectMember;
using core::config::jsonPointer;
using core::config::StoreOp;
using nlohmann::json;

namespace {

constexpr std::chrono::seconds kDiskTimeout{120};

void recordDisksActive(MasterServices& services, Feedback& feedback, const json& doc,
                       const std::string& uuid, bool active) {
  if (doc.at("instances").at(uuid).value("disks_active", false) == active) return;
  commitInstanceChange(services, feedback, uuid,
                       {StoreOp::put(jsonPointer({"instances", uuid, "disks_active"}), active)});
}

}  // namespace

std::vector<json> diskNodes(const json& doc, const json& instance, std::size_t index) {
  const json& nodes = objectMember(doc, "nodes");
  const json& disks = objectMember(doc, "disks");
  std::vector<json> out;
  const json diskUuids = instance.value("disks", json::array());
  if (index < diskUuids.size() && disks.contains(diskUuids[index].get<std::string>())) {
    for (const auto& n : disks.at(diskUuids[index].get<std::string>())
                             .value("nodes", json::array())) {
      if (nodes.contains(n.get<std::string>())) out.push_back(nodes.at(n.get<std::string>()));
    }
  }
  if (out.empty()) out.push_back(nodes.at(instance.value("primary_node", "")));
  return out;
}

json fileDiskLogicalId(const json& cluster, const std::string& devType, const std::string& subdir,
                       const std::string& instanceName, const std::string& driver,
                       const std::string& diskUuid, std::size_t index) {
  std::string dir = cluster.value(devType == "file" ? "file_storage_dir" : "shared_file_storage_dir",
                                  "");
  if (!subdir.empty()) dir += "/" + subdir;
  return json::array({driver, dir + "/" + instanceName + "/" + diskUuid + "." + devType +
                                  ".disk" + std::to_string(index)});
}

json activateDisks(MasterServices& services, Feedback& feedback, const json& doc,
                   const std::string& instanceUuid) {
  recordDisksActive(services, feedback, doc, instanceUuid, true);
  const json& instance = doc.at("instances").at(instanceUuid);
  const InstanceDescription description = describeInstance(doc, instanceUuid);
  json devices = json::array();
  bool failed = false;
  for (std::size_t i = 0; i < description.disks.size(); ++i) {
    const json& disk = description.disks[i];
    for (const json& node : diskNodes(doc, instance, i)) {
      const std::string nodeName = node.value("name", "");
      if (node.value("offline", false)) continue;
      auto reply = callNode(services, nodeTarget(services, node), "blockdev_assemble",
                            {{"disk", disk}}, kDiskTimeout);
      if (!reply.ok) {
        feedback.warning("Could not prepare block device " + disk.value("iv_name", "") +
                         " on node " + nodeName + ": " + reply.msg);
        failed = true;
        continue;
      }
      devices.push_back(json::array({nodeName, disk.value("iv_name", ""),
                                     reply.result.value("path", json(nullptr))}));
    }
  }
  if (failed) throw ExecError("Cannot activate block devices");
  return devices;
}

void deactivateDisks(MasterServices& services, Feedback& feedback, const json& doc,
                     const std::string& instanceUuid, bool strict) {
  recordDisksActive(services, feedback, doc, instanceUuid, false);
  const json& instance = doc.at("instances").at(instanceUuid);
  const InstanceDescription description = describeInstance(doc, instanceUuid);
  std::string firstError;
  for (std::size_t i = 0; i < description.disks.size(); ++i) {
    const json& disk = description.disks[i];
    for (const json& node : diskNodes(doc, instance, i)) {
      if (node.value("offline", false)) continue;
      auto reply = callNode(services, nodeTarget(services, node), "blockdev_shutdown",
                            {{"disk", disk}}, kDiskTimeout);
      if (reply.ok) continue;
      const std::string text = "Could not shutdown block device " +
                               disk.value("iv_name", "") + " on node " +
                               node.value("name", "") + ": " + reply.msg;
      feedback.warning(text);
      if (firstError.empty()) firstError = text;
    }
  }
  if (strict && !firstError.empty()) throw ExecError(firstError);
}

}  // namespace gantry::daemon::master
