// OP_OS_DIAGNOSE: the OS definitions of the cluster, from every online
// vm_capable node's os_diagnose (gnt-os list, info, diagnose). As in
// Ganeti, OSes that are hidden, blacklisted or invalid are left out unless
// the field saying so is asked for; `names` restricts the answer.
#include <algorithm>
#include <chrono>

#include "core/cluster/json_access.h"
#include "core/config/store.h"
#include "daemon/master/cluster/node_rpc.h"
#include "daemon/master/lu/logical_unit.h"
#include "daemon/master/os/os_report.h"

namespace gantry::daemon::master {
namespace {
using nlohmann::json;

constexpr std::chrono::seconds kDiagnoseTimeout{60};

class LuOsDiagnose : public LogicalUnit {
 public:
  using LogicalUnit::LogicalUnit;
  bool requiresBgl() const override { return false; }

  void checkPrereq() override {
    if (services.config == nullptr) throw PrereqError("The cluster is not initialized");
    fields_ = op.get("output_fields").get<std::vector<std::string>>();
    std::vector<std::string> unknown;
    const auto& known = osDiagnoseFields();
    for (const auto& f : fields_) {
      if (std::find(known.begin(), known.end(), f) == known.end()) unknown.push_back(f);
    }
    if (!unknown.empty()) {
      std::string list;
      for (const auto& u : unknown) list += (list.empty() ? "" : ", ") + u;
      throw PrereqError("Unknown output fields selected: " + list, sdk::ErrorCode::kInvalid);
    }
    names_ = op.get("names").get<std::vector<std::string>>();
  }

  json exec() override {
    std::vector<core::rpc::NodeTarget> targets;
    std::map<std::string, std::string> uuidOf;  // name -> uuid
    json cluster;
    services.config->read([&](const json& doc) {
      cluster = doc.value("cluster", json::object());
      for (const auto& [uuid, node] : core::cluster::objectMember(doc, "nodes").items()) {
        if (node.value("offline", false) || !node.value("vm_capable", true)) continue;
        targets.push_back(nodeTarget(services, node));
        uuidOf[node.value("name", "")] = uuid;
      }
    });
    std::map<std::string, json> answers;
    for (const auto& reply :
         callReachableNodes(services, targets, "os_diagnose", json::object(), kDiagnoseTimeout)) {
      // Ganeti leaves a node that fails out of the report.
      if (reply.ok) answers[uuidOf[reply.node]] = reply.result;
    }
    auto wants = [&](const char* field) {
      return std::find(fields_.begin(), fields_.end(), field) != fields_.end();
    };
    json rows = json::array();
    for (const auto& report : mergeOsDiagnose(answers)) {
      if (!names_.empty() &&
          std::find(names_.begin(), names_.end(), report.name) == names_.end()) {
        continue;
      }
      if (!wants("valid") && !report.valid) continue;
      if (!wants("hidden") && osReportField(report, "hidden", cluster).get<bool>()) continue;
      if (!wants("blacklisted") && osReportField(report, "blacklisted", cluster).get<bool>()) {
        continue;
      }
      json row = json::array();
      for (const auto& f : fields_) row.push_back(osReportField(report, f, cluster));
      rows.push_back(std::move(row));
    }
    return rows;
  }

 private:
  std::vector<std::string> fields_;
  std::vector<std::string> names_;
};

}  // namespace

void registerOsDiagnose() {
  registerLogicalUnit("OP_OS_DIAGNOSE", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuOsDiagnose>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
