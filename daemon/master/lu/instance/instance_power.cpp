// OP_INSTANCE_STARTUP and OP_INSTANCE_SHUTDOWN: record the wanted state
// (unless no_remember) and start or stop the instance on its primary
// node. A start checks the node's free memory first; starting a running
// instance or stopping a stopped one changes nothing on the node.
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

class LuInstancePower : public InstanceLogicalUnit {
 public:
  LuInstancePower(const core::opcodes::Opcode& op, MasterServices& services,
                  core::jobs::OpContext& ctx, bool start)
      : InstanceLogicalUnit(op, services, ctx), start_(start) {}

  bool requiresBgl() const override { return false; }
  std::string hooksPath() const override { return start_ ? "instance-start" : "instance-stop"; }

  void checkPrereq() override {
    loadInstance();
    const json& instance = instanceObject();
    if (instance.value("admin_state", "down") == "offline") {
      throw PrereqError("Instance '" + name_ + "' is marked offline", sdk::ErrorCode::kState);
    }
    description_ = describeInstance(doc(), uuid_);
    hypervisor_ = instance.value("hypervisor", "");
    if (!start_) return;
    requireOnlineNode(description_.primaryNode);
    running_ = instanceRunning(services, description_, hypervisor_).value_or(false);
    if (!running_) {
      requireFreeMemory(services, description_.primaryNode, hypervisor_,
                        filledBeparams(doc(), instance).value("maxmem", 128),
                        "starting instance " + name_);
    }
  }

  json exec() override {
    if (!op.getBool("no_remember")) rememberState();
    if (start_) {
      if (!running_) startOnPrimary(services, description_);
      return nullptr;
    }
    if (description_.primaryNode.value("offline", false)) {
      feedback.warning("Primary node offline, marked instance as stopped");
      return nullptr;
    }
    const std::string error =
        stopOnPrimary(services, description_, std::chrono::seconds(op.getInt("timeout")));
    if (!error.empty()) feedback.warning("Could not shutdown instance: " + error);
    return nullptr;
  }

 private:
  void rememberState() {
    const json& instance = instanceObject();
    const std::string wanted = start_ ? "up" : "down";
    const std::string source = start_ ? "admin" : op.optString("admin_state_source").value_or("admin");
    if (instance.value("admin_state", "") == wanted &&
        instance.value("admin_state_source", "admin") == source) {
      return;
    }
    core::config::StoreChange change = {
        StoreOp::put(jsonPointer({"instances", uuid_, "admin_state"}), wanted),
        StoreOp::put(jsonPointer({"instances", uuid_, "admin_state_source"}), source),
        StoreOp::put(jsonPointer({"instances", uuid_, "serial_no"}),
                     instance.value("serial_no", 0) + 1),
        StoreOp::put(jsonPointer({"instances", uuid_, "mtime"}), nowSeconds())};
    commitAndDistribute(services, change, feedback);
  }

  bool start_;
  bool running_ = false;
  std::string hypervisor_;
  InstanceDescription description_;
};

}  // namespace

void registerInstancePower() {
  registerLogicalUnit("OP_INSTANCE_STARTUP", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuInstancePower>(op, services, ctx, true);
  });
  registerLogicalUnit("OP_INSTANCE_SHUTDOWN", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuInstancePower>(op, services, ctx, false);
  });
}

}  // namespace gantry::daemon::master
