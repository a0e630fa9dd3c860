// OP_NODE_EVACUATE (gnt-node evacuate): moves the instances off a node.
// With an allocator (the opcode's or the cluster's default) one
// node-evacuate request decides where each goes and answers the jobs
// (failover, migrate, replace-disks) that move them, which are submitted
// as this opcode's jobs; with a new secondary node only secondaries can
// move (replace-disks). An instance the allocator cannot place fails the
// whole opcode before anything moves.
#include <set>

#include "core/cluster/json_access.h"
#include "core/config/store.h"
#include "daemon/master/allocator/allocator_call.h"
#include "daemon/master/allocator/allocator_input.h"
#include "daemon/master/cluster/config_helpers.h"
#include "daemon/master/lu/logical_unit.h"

namespace gantry::daemon::master {
namespace {
using nlohmann::json;

const std::set<std::string> kEvacuationOpcodes = {"OP_INSTANCE_FAILOVER", "OP_INSTANCE_MIGRATE",
                                                  "OP_INSTANCE_REPLACE_DISKS"};

class LuNodeEvacuate : public LogicalUnit {
 public:
  using LogicalUnit::LogicalUnit;
  std::string hooksPath() const override { return "node-evacuate"; }
  std::string hooksObjectType() const override { return "NODE"; }
  std::map<std::string, std::string> hooksEnv() const override {
    return {{"OP_TARGET", name_}, {"NODE_NAME", name_}, {"MODE", mode_}};
  }

  void checkPrereq() override {
    if (services.config == nullptr) throw PrereqError("The cluster is not initialized");
    doc_ = services.config->get("");
    uuid_ = nodeUuidByName(doc_, op.getString("node_name"));
    name_ = doc_.at("nodes").at(uuid_).value("name", "");
    mode_ = op.optString("mode").value_or("all");
    const auto remote = op.optString("remote_node");
    requireAllocatorOrNode(op.optString("iallocator"), remote);
    if (remote) {
      if (nodeUuidByName(doc_, *remote) == uuid_) {
        throw PrereqError("Can not use evacuated node as a new secondary node",
                          sdk::ErrorCode::kInvalid);
      }
      if (mode_ != "secondary-only") {
        throw PrereqError("Without the use of an iallocator only secondary instances can be "
                          "evacuated",
                          sdk::ErrorCode::kInvalid);
      }
    }
    collectInstances();
    if (instances_.empty() || remote) return;
    allocator_ = chooseAllocator(doc_, op.optString("iallocator"));
    if (!allocator_) {
      throw PrereqError(
          "No iallocator or node given and no cluster-wide default iallocator found; please "
          "specify either an iallocator or a node, or set a cluster-wide default iallocator",
          sdk::ErrorCode::kInvalid);
    }
  }

  json exec() override {
    if (instances_.empty()) return json::object();
    if (auto remote = op.optString("remote_node")) {
      for (const auto& name : instances_) {
        jobsToSubmit.push_back({{{"OP_ID", "OP_INSTANCE_REPLACE_DISKS"},
                                 {"instance_name", name},
                                 {"remote_node", *remote},
                                 {"disks", json::array()},
                                 {"mode", "replace_new_secondary"},
                                 {"early_release", op.getBool("early_release")}}});
      }
      return json::object();
    }
    sdk::AllocatorOptions extra;
    if (op.has("ignore_soft_errors") && op.get("ignore_soft_errors").is_boolean() &&
        op.getBool("ignore_soft_errors")) {
      extra["ignore-soft-errors"] = std::nullopt;
    }
    const json result = runAllocator(services, doc_, *allocator_,
                                     nodeEvacuateRequest(instances_, mode_), extra);
    if (!result.is_array() || result.size() != 3) {
      throw ExecError("iallocator returned invalid result, expected [moved, failed, jobs], got " +
                      result.dump());
    }
    std::string failed;
    for (const auto& entry : result[1]) {
      failed += (failed.empty() ? "" : ", ") + entry.at(0).get<std::string>() + " (" +
                (entry.at(1).is_string() ? entry.at(1).get<std::string>() : "None") + ")";
    }
    if (!failed.empty()) {
      feedback.warning("Unable to evacuate instances " + failed);
      throw ExecError("Unable to evacuate instances " + failed);
    }
    std::string moved;
    for (const auto& entry : result[0]) {
      std::string nodes;
      for (const auto& n : entry.at(2)) nodes += (nodes.empty() ? "" : ", ") + n.get<std::string>();
      moved += (moved.empty() ? "" : ", ") + entry.at(0).get<std::string>() + " (to " + nodes + ")";
    }
    if (!moved.empty()) feedback.info("Instances to be moved: " + moved);
    for (const auto& job : result[2]) {
      std::vector<json> opcodes;
      for (json opcode : job) {
        if (!opcode.is_object() || !kEvacuationOpcodes.count(opcode.value("OP_ID", ""))) {
          throw ExecError("iallocator returned an opcode that may not move instances: " +
                          opcode.dump());
        }
        if (opcode["OP_ID"] == "OP_INSTANCE_REPLACE_DISKS") {
          opcode["early_release"] = op.getBool("early_release");
        }
        opcodes.push_back(opcode);
      }
      jobsToSubmit.push_back(opcodes);
    }
    return json::object();
  }

 private:
  // Ganeti's _GetNodeInstances for the mode: primaries, secondaries or
  // both, in name order.
  void collectInstances() {
    const bool primaries = mode_ != "secondary-only";
    const bool secondaries = mode_ != "primary-only";
    const json& disks = core::cluster::objectMember(doc_, "disks");
    for (const auto& [iuuid, instance] : core::cluster::objectMember(doc_, "instances").items()) {
      const bool isPrimary = instance.value("primary_node", "") == uuid_;
      bool isSecondary = false;
      for (const auto& d : instance.value("disks", json::array())) {
        if (!disks.contains(d.get<std::string>())) continue;
        for (const auto& n : disks.at(d.get<std::string>()).value("nodes", json::array())) {
          isSecondary = isSecondary || (n == uuid_ && !isPrimary);
        }
      }
      if ((primaries && isPrimary) || (secondaries && isSecondary)) {
        instances_.push_back(instance.value("name", ""));
      }
    }
    std::sort(instances_.begin(), instances_.end());
  }

  json doc_;
  std::string uuid_, name_, mode_;
  std::vector<std::string> instances_;
  std::optional<std::string> allocator_;
};

}  // namespace

void registerNodeEvacuate() {
  registerLogicalUnit("OP_NODE_EVACUATE", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuNodeEvacuate>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
