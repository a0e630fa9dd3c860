// OP_INSTANCE_REINSTALL: runs the OS create scripts again over a stopped
// instance's disks (INSTANCE_REINSTALL=1), optionally with another OS or
// new OS parameters, which are recorded first. A reinstall without new
// parameters keeps the recorded ones.
#include "core/config/store.h"
#include "daemon/master/cluster/node_rpc.h"
#include "daemon/master/lu/instance/disk_helpers.h"
#include "daemon/master/lu/instance/instance_helpers.h"

namespace gantry::daemon::master {
namespace {
using core::config::jsonPointer;
using core::config::StoreOp;
using nlohmann::json;

constexpr std::chrono::seconds kOsTimeout{3600};

class LuInstanceReinstall : public InstanceLogicalUnit {
 public:
  using InstanceLogicalUnit::InstanceLogicalUnit;
  bool requiresBgl() const override { return false; }
  std::string hooksPath() const override { return "instance-reinstall"; }
  std::map<std::string, std::string> extraHooksEnv() const override {
    return {{"INSTANCE_NAME", name_}, {"INSTANCE_OS_TYPE", os_}};
  }

  void checkPrereq() override {
    loadInstance();
    const json& instance = instanceObject();
    if (instance.value("disks", json::array()).empty()) {
      throw PrereqError("Instance '" + name_ + "' has no disks", sdk::ErrorCode::kInvalid);
    }
    const InstanceDescription description = describeInstance(doc(), uuid_);
    if (description.primaryNode.value("offline", false)) {
      throw PrereqError("Instance primary node offline, cannot reinstall: " +
                            description.primaryNodeName,
                        sdk::ErrorCode::kState);
    }
    requireInstanceState(services, feedback, doc(), uuid_, {"down"}, "cannot reinstall");
    os_ = op.optString("os_type").value_or(instance.value("os", ""));
    if (os_.empty()) throw PrereqError("No guest OS specified", sdk::ErrorCode::kInvalid);
    requireOsOnNode(services, description.primaryNode, os_, op.getBool("force_variant"));
    json proposed = instance;
    proposed["os"] = os_;
    if (op.has("osparams") && op.get("osparams").is_object() && !op.get("osparams").empty()) {
      proposed["osparams"] = op.get("osparams");
    }
    requireValidOsParams(services, description.primaryNode, os_, filledOsparams(doc(), proposed),
                         op.getBool("force_variant"));
  }

  json exec() override {
    core::config::StoreChange change;
    if (auto os = op.optString("os_type")) {
      feedback.message("Changing OS scripts to '" + *os + "'...");
      change.push_back(StoreOp::put(jsonPointer({"instances", uuid_, "os"}), *os));
    }
    if (op.has("osparams") && op.get("osparams").is_object() && !op.get("osparams").empty()) {
      change.push_back(
          StoreOp::put(jsonPointer({"instances", uuid_, "osparams"}), op.get("osparams")));
    }
    if (!change.empty()) {
      commitInstanceChange(services, feedback, uuid_, change);
      config_ = services.config->document();
    }
    const InstanceDescription description = describeInstance(doc(), uuid_);
    activateDisks(services, feedback, doc(), uuid_);
    feedback.info("Running instance OS create scripts...");
    auto reply = callNode(services, nodeTarget(services, description.primaryNode),
                          "instance_os_add",
                          {{"instance", description.instance},
                           {"disks", description.disks},
                           {"osparams", filledOsparams(doc(), instanceObject())},
                           {"reinstall", true},
                           {"debug", op.has("debug_level") ? op.get("debug_level") : json(0)}},
                          kOsTimeout);
    deactivateDisks(services, feedback, services.config->get(""), uuid_, false);
    if (!reply.ok) {
      throw ExecError("Could not install OS for instance '" + name_ + "' on node '" +
                      description.primaryNodeName + "': " + reply.msg);
    }
    return nullptr;
  }

 private:
  std::string os_;
};

}  // namespace

void registerInstanceReinstall() {
  registerLogicalUnit("OP_INSTANCE_REINSTALL", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuInstanceReinstall>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
