// OP_INSTANCE_RENAME: a stopped instance gets a new name. File-based disks
// live in a directory named after the instance, so each is moved to the
// new name's directory (same file name) before the config changes; a move
// that fails puts back those already moved, so a failed rename changes
// nothing. Then the OS rename script runs; its failure is only a warning,
// as the instance is renamed by then.
#include "core/config/store.h"
#include "core/locking/lock_manager.h"
#include "daemon/master/cluster/node_rpc.h"
#include "daemon/master/lu/instance/disk_helpers.h"
#include "daemon/master/lu/instance/instance_helpers.h"

namespace gantry::daemon::master {
namespace {
using core::config::jsonPointer;
using core::config::StoreOp;
using nlohmann::json;

constexpr std::chrono::seconds kDiskTimeout{300};
constexpr std::chrono::seconds kOsTimeout{600};

bool fileBased(const std::string& devType) {
  return devType == "file" || devType == "sharedfile";
}

// <dir>/<old name>/<file> -> <dir>/<new name>/<file> (Ganeti's
// RenameInstance keeps the file name and renames the directory).
json renamedLogicalId(const json& logicalId, const std::string& newName) {
  json out = logicalId;
  const std::filesystem::path path = logicalId.at(1).get<std::string>();
  out[1] = (path.parent_path().parent_path() / newName / path.filename()).string();
  return out;
}

class LuInstanceRename : public InstanceLogicalUnit {
 public:
  using InstanceLogicalUnit::InstanceLogicalUnit;
  std::string hooksPath() const override { return "instance-rename"; }
  std::map<std::string, std::string> extraHooksEnv() const override {
    return {{"INSTANCE_NAME", name_}, {"INSTANCE_NEW_NAME", newName_}};
  }

  void checkPrereq() override {
    loadInstance();
    newName_ = op.getString("new_name");
    if (op.getBool("ip_check") && !op.getBool("name_check")) {
      throw PrereqError("IP address check requires a name check", sdk::ErrorCode::kInvalid);
    }
    if (newName_ != name_ && !instanceUuidByName(doc(), newName_).empty()) {
      throw PrereqError("Instance '" + newName_ + "' is already in the cluster",
                        sdk::ErrorCode::kExists);
    }
    description_ = describeInstance(doc(), uuid_);
    requireOnlineNode(description_.primaryNode);
    requireInstanceState(services, feedback, doc(), uuid_, {"down", "offline"}, "cannot rename");
  }

  json exec() override {
    core::config::StoreChange change = {
        StoreOp::put(jsonPointer({"instances", uuid_, "name"}), newName_)};
    std::vector<std::pair<json, json>> moved;  // (disk spec before, logical id after)
    for (const auto& diskUuid : instanceObject().value("disks", json::array())) {
      const json& disk = doc().at("disks").at(diskUuid.get<std::string>());
      if (!fileBased(disk.value("dev_type", ""))) continue;
      const json newId = renamedLogicalId(disk.at("logical_id"), newName_);
      change.push_back(
          StoreOp::put(jsonPointer({"disks", diskUuid.get<std::string>(), "logical_id"}), newId));
      const json spec = specOf(diskUuid.get<std::string>());
      auto reply = callNode(services, nodeTarget(services, description_.primaryNode),
                            "blockdev_rename", {{"disk", spec}, {"new_logical_id", newId}},
                            kDiskTimeout);
      if (!reply.ok) {
        undo(moved);
        throw ExecError("Could not rename on node " + description_.primaryNodeName + " disk " +
                        disk.value("iv_name", "") + " of instance " + name_ + ": " + reply.msg);
      }
      moved.emplace_back(spec, newId);
    }
    commitInstanceChange(services, feedback, uuid_, change);
    if (services.locks != nullptr) {
      services.locks->add("instance-rename:" + newName_, core::locking::Level::kInstance,
                          {newName_});
    }
    runOsRename();
    return newName_;
  }

 private:
  json specOf(const std::string& diskUuid) const {
    const json diskUuids = instanceObject().value("disks", json::array());
    for (std::size_t i = 0; i < diskUuids.size(); ++i) {
      if (diskUuids[i] == diskUuid) return description_.disks.at(i);
    }
    throw ExecError("Disk " + diskUuid + " is not a disk of instance " + name_);
  }

  void undo(const std::vector<std::pair<json, json>>& moved) {
    for (const auto& [before, newId] : moved) {
      json after = before;
      after["logical_id"] = newId;
      auto reply = callNode(services, nodeTarget(services, description_.primaryNode),
                            "blockdev_rename",
                            {{"disk", after}, {"new_logical_id", before.at("logical_id")}},
                            kDiskTimeout);
      if (!reply.ok) {
        feedback.warning("Could not move disk " + before.value("iv_name", "") + " back to " +
                         before.at("logical_id").dump() + ": " + reply.msg);
      }
    }
  }

  void runOsRename() {
    const auto snapshot = services.config->document();
    const json& doc = *snapshot;
    if (instanceObject().value("os", "").empty() ||
        instanceObject().value("disks", json::array()).empty()) {
      return;
    }
    const InstanceDescription renamed = describeInstance(doc, uuid_);
    const std::string failure =
        "Could not run OS rename script for instance " + newName_ + " on node " +
        renamed.primaryNodeName + " (but the instance has been renamed in the configuration)";
    try {
      activateDisks(services, feedback, doc, uuid_);
    } catch (const ExecError& e) {
      feedback.warning(failure + ": " + e.what());
      deactivateDisks(services, feedback, services.config->get(""), uuid_, false);
      return;
    }
    auto reply = callNode(services, nodeTarget(services, renamed.primaryNode),
                          "instance_run_rename",
                          {{"instance", renamed.instance},
                           {"disks", renamed.disks},
                           {"old_name", name_},
                           {"osparams", filledOsparams(doc, doc.at("instances").at(uuid_))},
                           {"debug", op.has("debug_level") ? op.get("debug_level") : json(0)}},
                          kOsTimeout);
    if (!reply.ok) feedback.warning(failure + ": " + reply.msg);
    deactivateDisks(services, feedback, services.config->get(""), uuid_, false);
  }

  std::string newName_;
  InstanceDescription description_;
};

}  // namespace

void registerInstanceRename() {
  registerLogicalUnit("OP_INSTANCE_RENAME", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuInstanceRename>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
