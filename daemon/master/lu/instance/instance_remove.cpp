// OP_INSTANCE_REMOVE: stops the instance on its primary node, removes its
// disks there through the storage plugins and drops it and its disks from
// the config. With ignore_failures a failed stop or disk removal is only
// a warning (Ganeti's --ignore-failures).
#include "core/config/store.h"
#include "core/locking/lock_manager.h"
#include "daemon/master/cluster/config_helpers.h"
#include "daemon/master/cluster/config_push.h"
#include "daemon/master/cluster/node_rpc.h"
#include "daemon/master/lu/instance/instance_helpers.h"

namespace gantry::daemon::master {
namespace {
using core::config::jsonPointer;
using core::config::StoreOp;
using nlohmann::json;

class LuInstanceRemove : public InstanceLogicalUnit {
 public:
  using InstanceLogicalUnit::InstanceLogicalUnit;

  std::string hooksPath() const override { return "instance-remove"; }

  void checkPrereq() override {
    loadInstance();
    description_ = describeInstance(doc(), uuid_);
  }

  json exec() override {
    const bool ignore = op.getBool("ignore_failures");
    const auto timeout = std::chrono::seconds(op.getInt("shutdown_timeout"));
    const json& node = description_.primaryNode;
    if (!node.value("offline", false)) {
      const std::string error = stopOnPrimary(services, description_, timeout);
      if (!error.empty()) {
        const std::string text = "Could not shutdown instance " + name_ + " on node " +
                                 description_.primaryNodeName + ": " + error;
        if (!ignore) throw ExecError(text);
        feedback.warning(text);
      }
      for (const auto& disk : description_.disks) {
        auto reply = callNode(services, nodeTarget(services, node), "blockdev_remove",
                              {{"disk", disk}}, std::chrono::seconds(300));
        if (!reply.ok) {
          const std::string text = "Could not remove disk " + disk.value("iv_name", "") +
                                   " on node " + description_.primaryNodeName + ": " + reply.msg;
          if (!ignore) throw ExecError("Can't remove instance's disks: " + text);
          feedback.warning(text);
        }
      }
    } else if (!ignore) {
      throw ExecError("Can't remove instance's disks: node " + description_.primaryNodeName +
                      " is offline");
    }
    core::config::StoreChange change = {StoreOp::remove(jsonPointer({"instances", uuid_}))};
    for (const auto& disk : instanceObject().value("disks", json::array())) {
      change.push_back(StoreOp::remove(jsonPointer({"disks", disk.get<std::string>()})));
    }
    bumpCluster(doc(), change, nowSeconds());
    commitAndDistribute(services, change, feedback);
    return nullptr;
  }

 private:
  InstanceDescription description_;
};

}  // namespace

void registerInstanceRemove() {
  registerLogicalUnit("OP_INSTANCE_REMOVE", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuInstanceRemove>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
