// OP_NODE_SET_PARAMS: the node's role flags (master candidate, drained,
// offline), its capabilities and parameters. Leaving the candidate pool
// is refused when the pool would fall short, unless forced (a warning
// then, as in the walkthrough); an offline or drained candidate is
// demoted automatically.
#include <set>

#include "core/cluster/candidates.h"
#include "core/config/store.h"
#include "daemon/master/cluster/config_helpers.h"
#include "daemon/master/cluster/config_push.h"
#include "daemon/master/cluster/node_rpc.h"
#include "daemon/master/lu/logical_unit.h"

namespace gantry::daemon::master {
namespace {
using core::config::jsonPointer;
using core::config::StoreOp;
using nlohmann::json;

std::string pyBool(bool value) { return value ? "True" : "False"; }

class LuNodeSetParams : public LogicalUnit {
 public:
  using LogicalUnit::LogicalUnit;

  std::string hooksPath() const override { return "node-modify"; }
  std::map<std::string, std::string> hooksEnv() const override {
    return {{"OP_TARGET", op.getString("node_name")}};
  }

  void checkPrereq() override {
    if (services.config == nullptr) throw PrereqError("The cluster is not initialized");
    doc_ = services.config->get("");
    uuid_ = nodeUuidByName(doc_, op.getString("node_name"));
    node_ = doc_.at("nodes").at(uuid_);
    mc_ = op.optBool("master_candidate");
    offline_ = op.optBool("offline");
    drained_ = op.optBool("drained");
    const auto masterCapable = op.optBool("master_capable");
    const bool any = mc_ || offline_ || drained_ || masterCapable || op.optBool("vm_capable") ||
                     op.optString("secondary_ip") || op.optBool("powered") ||
                     (op.has("ndparams") && !op.get("ndparams").empty());
    if (!any) throw PrereqError("Please give at least one of the parameters.");
    const int yes = (mc_ == true) + (offline_ == true) + (drained_ == true);
    if (yes > 1) {
      throw PrereqError("Can't set the node into more than one state at the same time");
    }
    const bool isMaster = uuid_ == doc_.value("/cluster/master_node"_json_pointer, "");
    demoting_ = node_.value("master_candidate", false) &&
                (mc_ == false || offline_ == true || drained_ == true || masterCapable == false);
    if (isMaster && (demoting_ || offline_ == true || drained_ == true)) {
      throw PrereqError("The master role can be changed only via master-failover",
                        sdk::ErrorCode::kInvalid);
    }
    if (mc_ == true && !node_.value("master_capable", true) && masterCapable != true) {
      throw PrereqError("Node " + node_.value("name", "") +
                        " is not master capable, cannot make it a master candidate");
    }
    if (mc_ == true && (node_.value("offline", false) && offline_ != false)) {
      throw PrereqError("Node " + node_.value("name", "") +
                        " is offline, cannot make it a master candidate");
    }
    if (demoting_ && !op.getBool("auto_promote")) {
      const int pool = doc_.value("/cluster/candidate_pool_size"_json_pointer, 10);
      const int remaining = core::cluster::candidateStats(doc_).current - 1;
      if (remaining < pool) {
        const std::string msg = "Not enough master candidates (desired " +
                                std::to_string(pool) + ", new value will be " +
                                std::to_string(remaining) + ")";
        if (!op.getBool("force")) throw PrereqError(msg, sdk::ErrorCode::kState);
        warnings_.push_back(msg);
      }
    }
    for (const auto& w : warnings_) feedback.warning(w);
  }

  json exec() override {
    const double now = nowSeconds();
    json result = json::array();
    json node = node_;
    const std::string name = node.value("name", "");
    if (offline_) {
      node["offline"] = *offline_;
      result.push_back({"offline", pyBool(*offline_)});
    }
    if (drained_) {
      node["drained"] = *drained_;
      result.push_back({"drained", pyBool(*drained_)});
    }
    for (const char* flag : {"master_capable", "vm_capable", "powered"}) {
      if (auto value = op.optBool(flag)) {
        node[flag] = *value;
        result.push_back({flag, pyBool(*value)});
      }
    }
    if (auto sip = op.optString("secondary_ip")) {
      node["secondary_ip"] = *sip;
      result.push_back({"secondary_ip", *sip});
    }
    if (op.has("ndparams") && !op.get("ndparams").empty()) {
      for (const auto& [k, v] : op.get("ndparams").items()) node["ndparams"][k] = v;
      result.push_back({"ndparams", node["ndparams"].dump()});
    }
    if (mc_) {
      node["master_candidate"] = *mc_;
      result.push_back({"master_candidate", pyBool(*mc_)});
    } else if (demoting_) {
      node["master_candidate"] = false;
      const std::string why = offline_ == true   ? "offline"
                              : drained_ == true ? "drain"
                                                 : "master_capable";
      result.push_back({"master_candidate", "auto-demotion due to " + why});
    } else if ((offline_ == false && node_.value("offline", false)) ||
               (drained_ == false && node_.value("drained", false))) {
      // Back online: take a place in the pool if it has room.
      json trial = doc_;
      trial["nodes"][uuid_] = node;
      if (node.value("master_capable", true) &&
          core::cluster::shouldPromoteNewNode(trial, {uuid_})) {
        node["master_candidate"] = true;
        feedback.info("Auto-promoting node to master candidate");
        result.push_back({"master_candidate", "auto-promotion"});
      }
    }
    if (demoting_) {
      // The node gives up its copy of the config; it may be down already.
      auto reply = callNode(services, nodeTarget(services, node_), "demote_from_mc",
                            json::object(), std::chrono::seconds(3));
      if (!reply.ok) feedback.warning("Communication failure to node " + name + ": " + reply.msg);
    }
    node["serial_no"] = node.value("serial_no", 0) + 1;
    node["mtime"] = now;
    core::config::StoreChange change = {StoreOp::put(jsonPointer({"nodes", uuid_}), node)};
    if (demoting_ && op.getBool("auto_promote")) {
      json trial = doc_;
      trial["nodes"][uuid_] = node;
      auto promoted = maintainCandidatePool(trial, change, now, {uuid_});
      if (!promoted.empty()) {
        std::string names;
        for (const auto& p : promoted) names += (names.empty() ? "" : ", ") + p;
        feedback.info("Promoted nodes to master candidate role: " + names);
      }
    }
    bumpCluster(doc_, change, now);
    commitAndDistribute(services, change, feedback);
    return result;
  }

 private:
  json doc_;
  json node_;
  std::string uuid_;
  std::optional<bool> mc_, offline_, drained_;
  bool demoting_ = false;
  std::vector<std::string> warnings_;
};

}  // namespace

void registerNodeSetParams() {
  registerLogicalUnit("OP_NODE_SET_PARAMS", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuNodeSetParams>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
