// OP_INSTANCE_GROW_DISK, OP_INSTANCE_ACTIVATE_DISKS and
// OP_INSTANCE_DEACTIVATE_DISKS: an instance's disks changed or brought up
// and down on their nodes through the storage plugins, with Ganeti's
// checks and messages.
#include "core/config/store.h"
#include "core/util/units.h"
#include "daemon/master/cluster/node_rpc.h"
#include "daemon/master/lu/instance/disk_helpers.h"
#include "daemon/master/lu/instance/instance_helpers.h"

namespace gantry::daemon::master {
namespace {
using core::config::jsonPointer;
using core::config::StoreOp;
using core::util::formatUnit;
using nlohmann::json;

constexpr std::chrono::seconds kGrowTimeout{600};

class LuInstanceGrowDisk : public InstanceLogicalUnit {
 public:
  using InstanceLogicalUnit::InstanceLogicalUnit;
  bool requiresBgl() const override { return false; }
  std::string hooksPath() const override { return "disk-grow"; }
  std::map<std::string, std::string> extraHooksEnv() const override {
    return {{"INSTANCE_NAME", name_},
            {"DISK", std::to_string(index_)},
            {"AMOUNT", std::to_string(delta_)},
            {"ABSOLUTE", op.getBool("absolute") ? "True" : "False"}};
  }

  void checkPrereq() override {
    loadInstance();
    const json& instance = instanceObject();
    for (const json& node : diskNodesOfInstance()) requireOnlineNode(node);
    const json diskUuids = instance.value("disks", json::array());
    index_ = static_cast<std::size_t>(op.getInt("disk"));
    if (index_ >= diskUuids.size()) {
      throw PrereqError(
          "Invalid disk index: " + std::to_string(index_) +
              (diskUuids.empty() ? std::string(" (instance has no disks)")
                                 : " (instance has disks 0 to " +
                                       std::to_string(diskUuids.size() - 1) + ")"),
          sdk::ErrorCode::kInvalid);
    }
    diskUuid_ = diskUuids[index_].get<std::string>();
    const json& disk = doc().at("disks").at(diskUuid_);
    const std::string devType = disk.value("dev_type", "");
    if (devType == "diskless" || devType == "blockdev") {
      throw PrereqError("Instance's disk layout " + devType + " does not support growing",
                        sdk::ErrorCode::kInvalid);
    }
    const std::int64_t current = disk.value("size", 0);
    const std::int64_t amount = op.getInt("amount");
    if (op.getBool("absolute")) {
      target_ = amount;
      delta_ = target_ - current;
      if (delta_ < 0) {
        throw PrereqError("Requested size (" + formatUnit(target_) +
                              ") is smaller than current disk size (" + formatUnit(current) + ")",
                          sdk::ErrorCode::kState);
      }
    } else {
      delta_ = amount;
      target_ = current + delta_;
    }
  }

  json exec() override {
    feedback.message("Growing disk " + std::to_string(index_) + " of instance '" + name_ +
                     "' by " + formatUnit(delta_) + " to " + formatUnit(target_));
    const InstanceDescription description = describeInstance(doc(), uuid_);
    const json& disk = description.disks.at(index_);
    // Every node first checks that the space is there, so a grow that
    // cannot finish everywhere changes nothing anywhere.
    for (const bool dryRun : {true, false}) {
      for (const json& node : diskNodesOfInstance()) {
        auto reply = callNode(services, nodeTarget(services, node), "blockdev_grow",
                              {{"disk", disk}, {"amount", delta_}, {"dryrun", dryRun}},
                              kGrowTimeout);
        if (!reply.ok) {
          throw ExecError(std::string(dryRun ? "Dry-run grow" : "Grow") +
                          " request failed to node " + node.value("name", "") + ": " +
                          reply.msg);
        }
      }
    }
    commitInstanceChange(services, feedback, uuid_,
                         {StoreOp::put(jsonPointer({"disks", diskUuid_, "size"}), target_)});
    if (op.getBool("wait_for_sync")) {
      // Nothing of file storage resyncs; the lines say the disks were seen.
      feedback.info("Waiting for instance " + name_ + " to sync disks");
      feedback.info("Instance " + name_ + "'s disks are in sync");
    }
    return nullptr;
  }

 private:
  std::vector<json> diskNodesOfInstance() const {
    return diskNodes(doc(), instanceObject(), index_);
  }

  std::size_t index_ = 0;
  std::string diskUuid_;
  std::int64_t delta_ = 0, target_ = 0;
};

class LuInstanceActivateDisks : public InstanceLogicalUnit {
 public:
  using InstanceLogicalUnit::InstanceLogicalUnit;
  bool requiresBgl() const override { return false; }

  void checkPrereq() override {
    loadInstance();
    requireOnlineNode(describeInstance(doc(), uuid_).primaryNode);
  }

  json exec() override { return activateDisks(services, feedback, doc(), uuid_); }
};

class LuInstanceDeactivateDisks : public InstanceLogicalUnit {
 public:
  using InstanceLogicalUnit::InstanceLogicalUnit;
  bool requiresBgl() const override { return false; }

  void checkPrereq() override { loadInstance(); }

  json exec() override {
    // Ganeti checks here, in exec, and answers with a prerequisite error.
    if (!op.getBool("force")) {
      requireInstanceState(services, feedback, doc(), uuid_, {"down"}, "cannot shutdown disks");
    }
    deactivateDisks(services, feedback, doc(), uuid_, !op.getBool("force"));
    return nullptr;
  }
};

}  // namespace

void registerInstanceGrowDisk() {
  registerLogicalUnit("OP_INSTANCE_GROW_DISK", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuInstanceGrowDisk>(op, services, ctx);
  });
}

void registerInstanceActivateDisks() {
  registerLogicalUnit("OP_INSTANCE_ACTIVATE_DISKS",
                      [](const auto& op, auto& services, auto& ctx) {
                        return std::make_unique<LuInstanceActivateDisks>(op, services, ctx);
                      });
  registerLogicalUnit("OP_INSTANCE_DEACTIVATE_DISKS",
                      [](const auto& op, auto& services, auto& ctx) {
                        return std::make_unique<LuInstanceDeactivateDisks>(op, services, ctx);
                      });
}

}  // namespace gantry::daemon::master
