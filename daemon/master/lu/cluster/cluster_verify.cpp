// OP_CLUSTER_VERIFY (Ganeti's LUClusterVerify): verifies nothing itself;
// it asks for OP_CLUSTER_VERIFY_CONFIG and one OP_CLUSTER_VERIFY_GROUP per
// node group (each depending on the config job, whatever its outcome), or
// only the named group's job with group_name.
#include "core/cluster/json_access.h"
#include "core/config/store.h"
#include "daemon/master/lu/logical_unit.h"

namespace gantry::daemon::master {
namespace {
using nlohmann::json;

class LuClusterVerify : public LogicalUnit {
 public:
  using LogicalUnit::LogicalUnit;

  bool requiresBgl() const override { return false; }

  void checkPrereq() override {
    if (services.config == nullptr) throw PrereqError("The cluster is not initialized");
  }

  json exec() override {
    if (op.has("group_name") && !op.get("group_name").is_null()) {
      jobsToSubmit.push_back({child("OP_CLUSTER_VERIFY_GROUP", true, op.get("group_name"))});
      return json::object();
    }
    jobsToSubmit.push_back({child("OP_CLUSTER_VERIFY_CONFIG", false, nullptr)});
    const auto snapshot = services.config->document();
    const json& doc = *snapshot;
    int distance = 0;
    for (const auto& [uuid, group] : core::cluster::objectMember(doc, "nodegroups").items()) {
      (void)group;
      json job = child("OP_CLUSTER_VERIFY_GROUP", true, uuid);
      job["depends"] = json::array({json::array({-(++distance), json::array()})});
      jobsToSubmit.push_back({job});
    }
    return json::object();
  }

 private:
  // A child opcode with the parameters Ganeti passes on.
  json child(const std::string& id, bool group, const json& groupName) const {
    json out = {{"OP_ID", id}, {"comment", "Submitted by OP_CLUSTER_VERIFY"}};
    std::vector<std::string> copied = {"ignore_errors", "debug_simulate_errors", "verbose",
                                       "error_codes", "priority", "reason"};
    if (group) {
      copied.push_back("skip_checks");
      copied.push_back("verify_clutter");
      out["group_name"] = groupName;
    }
    for (const auto& name : copied) {
      if (op.has(name)) out[name] = op.get(name);
    }
    return out;
  }
};

}  // namespace

void registerClusterVerify() {
  registerLogicalUnit("OP_CLUSTER_VERIFY", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuClusterVerify>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
