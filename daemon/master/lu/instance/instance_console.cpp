// OP_INSTANCE_CONSOLE (Ganeti's LUInstanceConsole): how to reach the
// console of a running instance, the answer RAPI's /console returns and
// any client may ask for by job. gnt-instance reads the same object
// through the instance query's "console" field, as Ganeti's CLI does. No
// hooks; the instance is locked shared, nothing changes.
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
    const auto live =
        liveInstanceInfo(services, description_, instanceObject().value("hypervisor", ""));
    if (!live) {
      throw ExecError("Can't get node information from " + description_.primaryNodeName + ": " +
                      live.error().message);
    }
    if (!live->has_value()) {
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
