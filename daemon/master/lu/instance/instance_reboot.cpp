// OP_INSTANCE_REBOOT: a soft or hard reboot is done by the hypervisor in
// place; a full one (or any reboot of a stopped instance) is a stop and a
// start with the config's current parameters. The instance is marked up
// afterwards, as Ganeti marks it.
#include "core/config/store.h"
#include "daemon/master/cluster/config_helpers.h"
#include "daemon/master/cluster/config_push.h"
#include "daemon/master/cluster/node_rpc.h"
#include "daemon/master/lu/instance/instance_helpers.h"

namespace gantry::daemon::master {
namespace {
using core::config::jsonPointer;
using core::config::StoreOp;
using nlohmann::json;

class LuInstanceReboot : public InstanceLogicalUnit {
 public:
  using InstanceLogicalUnit::InstanceLogicalUnit;

  std::string hooksPath() const override { return "instance-reboot"; }
  std::map<std::string, std::string> extraHooksEnv() const override {
    return {{"INSTANCE_NAME", name_},
            {"INSTANCE_PRIMARY", description_.primaryNodeName},
            {"REBOOT_TYPE", op.getString("reboot_type")},
            {"SHUTDOWN_TIMEOUT", std::to_string(op.getInt("shutdown_timeout"))}};
  }

  void checkPrereq() override {
    loadInstance();
    if (instanceObject().value("admin_state", "down") == "offline") {
      throw PrereqError("Instance '" + name_ + "' is marked to be offline",
                        sdk::ErrorCode::kState);
    }
    const std::string type = op.getString("reboot_type");
    if (type != "soft" && type != "hard" && type != "full") {
      throw PrereqError("Invalid reboot type '" + type + "'", sdk::ErrorCode::kInvalid);
    }
    description_ = describeInstance(doc(), uuid_);
    requireOnlineNode(description_.primaryNode);
    running_ =
        instanceRunning(services, description_, instanceObject().value("hypervisor", "")).value_or(false);
    if (!running_) {
      requireFreeMemory(services, description_.primaryNode, instanceObject().value("hypervisor", ""),
                        filledBeparams(doc(), instanceObject()).value("maxmem", 128),
                        "starting instance " + name_);
    }
  }

  json exec() override {
    const std::string type = op.getString("reboot_type");
    if (running_ && type != "full") {
      auto reply = callNode(services, nodeTarget(services, description_.primaryNode),
                            "instance_reboot",
                            {{"instance", description_.instance}, {"reboot_type", type}},
                            std::chrono::seconds(op.getInt("shutdown_timeout") + 60));
      if (!reply.ok) throw ExecError("Could not reboot instance: " + reply.msg);
    } else {
      if (running_) {
        const std::string error = stopOnPrimary(
            services, description_, std::chrono::seconds(op.getInt("shutdown_timeout")));
        if (!error.empty()) {
          throw ExecError("Could not shutdown instance for full reboot: " + error);
        }
      } else {
        feedback.info("Instance " + name_ + " was already stopped, starting now");
      }
      try {
        startOnPrimary(services, description_);
      } catch (const StartError& e) {
        throw ExecError("Could not start instance for full reboot: " + e.reason());
      }
    }
    if (instanceObject().value("admin_state", "down") != "up") {
      core::config::StoreChange change = {
          StoreOp::put(jsonPointer({"instances", uuid_, "admin_state"}), "up"),
          StoreOp::put(jsonPointer({"instances", uuid_, "admin_state_source"}), "admin"),
          StoreOp::put(jsonPointer({"instances", uuid_, "serial_no"}),
                       instanceObject().value("serial_no", 0) + 1),
          StoreOp::put(jsonPointer({"instances", uuid_, "mtime"}), nowSeconds())};
      commitAndDistribute(services, change, feedback);
    }
    return nullptr;
  }

 private:
  InstanceDescription description_;
  bool running_ = false;
};

}  // namespace

void registerInstanceReboot() {
  registerLogicalUnit("OP_INSTANCE_REBOOT", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuInstanceReboot>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
