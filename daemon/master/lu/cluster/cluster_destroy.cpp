// OP_CLUSTER_DESTROY: checks that only the master is left and no instance;
// the client then stops the master daemon and removes the cluster's files.
#include "core/config/store.h"
#include "daemon/master/lu/logical_unit.h"

namespace gantry::daemon::master {
namespace {
using nlohmann::json;

class LuClusterDestroy : public LogicalUnit {
 public:
  using LogicalUnit::LogicalUnit;

  void checkPrereq() override {
    if (services.config == nullptr) throw PrereqError("The cluster is not initialized");
    const auto snapshot = services.config->document();
    const json& doc = *snapshot;
    const auto nodes = doc.value("nodes", json::object());
    const std::string master = doc.value("/cluster/master_node"_json_pointer, "");
    if (nodes.size() != 1 || !nodes.contains(master)) {
      throw PrereqError("There are still " + std::to_string(nodes.size() - 1) +
                        " node(s) in this cluster.");
    }
    const auto instances = doc.value("instances", json::object());
    if (!instances.empty()) {
      throw PrereqError("There are still " + std::to_string(instances.size()) +
                        " instance(s) in this cluster.");
    }
    masterName_ = nodes.at(master).value("name", master);
  }

  json exec() override { return masterName_; }

 private:
  std::string masterName_;
};

}  // namespace

void registerClusterDestroy() {
  registerLogicalUnit("OP_CLUSTER_DESTROY", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuClusterDestroy>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
