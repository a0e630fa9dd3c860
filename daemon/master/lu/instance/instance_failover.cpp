// OP_INSTANCE_FAILOVER: moves an instance whose disks every node can reach
// (sharedfile, diskless) to another node by stopping it on its primary and
// starting it on the target, with Ganeti's step messages. A primary that
// is down only stops the failover when consistency is not being ignored.
// DRBD instances come with the DRBD storage.
#include "core/config/store.h"
#include "core/locking/lock_manager.h"
#include "daemon/master/lu/instance/instance_move.h"

namespace gantry::daemon::master {
namespace {
using nlohmann::json;

class LuInstanceFailover : public InstanceLogicalUnit {
 public:
  using InstanceLogicalUnit::InstanceLogicalUnit;

  std::string hooksPath() const override { return "instance-failover"; }
  std::map<std::string, std::string> extraHooksEnv() const override {
    return {{"INSTANCE_NAME", name_},
            {"OLD_PRIMARY", sourceName_},
            {"NEW_PRIMARY", target_.name},
            {"IGNORE_CONSISTENCY", op.getBool("ignore_consistency") ? "True" : "False"},
            {"SHUTDOWN_TIMEOUT", std::to_string(op.getInt("shutdown_timeout"))}};
  }

  void checkPrereq() override {
    loadInstance();
    const json& instance = instanceObject();
    const std::string layout = diskTemplateOf(doc(), instance);
    if (!movableByTemplate(layout)) {
      throw PrereqError("Instance's disk layout '" + layout + "' does not allow failovers",
                        sdk::ErrorCode::kState);
    }
    target_ = checkMoveTarget(services, feedback, doc(), instance, op.optString("target_node"),
                              op.optString("iallocator"), "failover");
    sourceName_ = describeInstance(doc(), uuid_).primaryNodeName;
    if (instance.value("admin_state", "down") == "up") {
      requireFreeMemory(services, target_.node, instance.value("hypervisor", ""),
                        filledBeparams(doc(), instance).value("maxmem", 128),
                        "failing over instance " + name_);
    }
  }

  json exec() override {
    failoverInstance(services, feedback, doc(), uuid_, target_, op.getBool("ignore_consistency"),
                     std::chrono::seconds(op.getInt("shutdown_timeout")));
    return nullptr;
  }

 private:
  std::string sourceName_;
  MoveTarget target_;
};

}  // namespace

void registerInstanceFailover() {
  registerLogicalUnit("OP_INSTANCE_FAILOVER", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuInstanceFailover>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
