// OP_INSTANCE_CONSOLE (Ganeti's LUInstanceConsole): how to reach the
// console of a running instance, the answer RAPI's /console returns and
// any client may ask for by job. gnt-instance reads the same object
// through the instance query's "console" field, as Ganeti's CLI does. No
// hooks; the instance is locked shared, nothing changes.
#include "daemon/master/cluster/node_rpc.h"
#include "daemon/master/lu/instance/instance_helpers.h"

namespace gantry::daemon::master {
namespace {
using nlohmann::json;

class LuInstanceConsole : public InstanceLogicalUnit {
 public:
  using InstanceLogicalUnit::InstanceLogicalUnit;
  bool requiresBgl() const override { return false; }

  void expandNames() override {
    InstanceLogicalUnit::expandNames();
    neededLocks[core::locking::Level::kInstance].mode = core::locking::Mode::kShared;
  }

  void checkPrereq() override {
    loadInstance();
    description_ = describeInstance(doc(), uuid_);
    requireOnlineNode(description_.primaryNode);
  }

  json exec() override {
    const std::string hypervisor = instanceObject().value("hypervisor", "");
    auto listed = callNode(services, nodeTarget(services, description_.primaryNode),
                           "all_instances_info", {{"hypervisors", json::array({hypervisor})}},
                           std::chrono::seconds(10));
    if (!listed.ok) {
      throw ExecError("Can't get node information from " + description_.primaryNodeName + ": " +
                      listed.msg);
    }
    if (!listed.result.is_object() || !listed.result.contains(name_)) {
      const std::string admin = instanceObject().value("admin_state", "down");
      const char* state = admin == "up"     ? "ERROR_down"
                          : admin == "down" ? "ADMIN_down"
                                            : "ADMIN_offline";
      throw ExecError("Instance " + name_ + " is not running (state " + state + ")");
    }
    auto console = instanceConsole(services, doc(), description_);
    if (!console) {
      throw ExecError("Can't get the console of instance " + name_ + " from node " +
                      description_.primaryNodeName + ": " + console.error().message);
    }
    return std::move(*console);
  }

 private:
  InstanceDescription description_;
};

}  // namespace

void registerInstanceConsole() {
  registerLogicalUnit("OP_INSTANCE_CONSOLE", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuInstanceConsole>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
