#include "daemon/master/cluster/config_helpers.h"

#include <chrono>

#include "core/cluster/candidates.h"
#include "core/cluster/json_access.h"
#include "core/config/store.h"
#include "core/query/engine.h"
#include "daemon/master/lu/logical_unit.h"

namespace gantry::daemon::master {
using core::config::jsonPointer;
using core::config::StoreOp;
using nlohmann::json;

nlohmann::json filledNdparams(const nlohmann::json& doc, const nlohmann::json& node) {
  nlohmann::json filled = doc.value("/cluster/ndparams"_json_pointer, nlohmann::json::object());
  const nlohmann::json group = core::cluster::objectMember(doc, "nodegroups")
                                   .value(node.value("group", ""), nlohmann::json::object());
  for (const auto& layer : {group.value("ndparams", nlohmann::json::object()),
                            node.value("ndparams", nlohmann::json::object())}) {
    for (const auto& [k, v] : layer.items()) filled[k] = v;
  }
  return filled;
}

double nowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string nodeUuidByName(const json& doc, const std::string& name) {
  std::vector<std::string> names;
  std::vector<std::string> uuids;
  for (const auto& [uuid, node] : core::cluster::objectMember(doc, "nodes").items()) {
    names.push_back(node.value("name", ""));
    uuids.push_back(uuid);
  }
  const auto match = core::query::lookupName(names, name);
  if (match.kind == core::query::MatchKind::kExact ||
      match.kind == core::query::MatchKind::kPartial) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == match.name) return uuids[i];
    }
  }
  throw PrereqError("Node name " + name + " not found", sdk::ErrorCode::kNotFound);
}

void bumpCluster(const json& doc, core::config::StoreChange& change, double now) {
  change.push_back(StoreOp::put("/cluster/serial_no",
                                doc.value("/cluster/serial_no"_json_pointer, 0) + 1));
  change.push_back(StoreOp::put("/cluster/mtime", now));
}

void bumpNode(const json& doc, const std::string& uuid, core::config::StoreChange& change,
              double now) {
  const json node = doc.at("nodes").at(uuid);
  change.push_back(StoreOp::put(jsonPointer({"nodes", uuid, "serial_no"}),
                                node.value("serial_no", 0) + 1));
  change.push_back(StoreOp::put(jsonPointer({"nodes", uuid, "mtime"}), now));
}

std::vector<std::string> maintainCandidatePool(json& doc, core::config::StoreChange& change,
                                               double now,
                                               const std::set<std::string>& exceptions) {
  std::vector<std::string> promoted;
  auto stats = core::cluster::candidateStats(doc, exceptions);
  for (auto& [uuid, node] : doc["nodes"].items()) {
    if (stats.current >= stats.desired) break;
    if (exceptions.count(uuid) || node.value("master_candidate", false) ||
        !node.value("master_capable", true) || node.value("offline", false) ||
        node.value("drained", false)) {
      continue;
    }
    node["master_candidate"] = true;
    change.push_back(StoreOp::put(jsonPointer({"nodes", uuid, "master_candidate"}), true));
    bumpNode(doc, uuid, change, now);
    promoted.push_back(node.value("name", uuid));
    ++stats.current;
  }
  return promoted;
}

std::string masterNodeName(const MasterServices& services) {
  if (services.config == nullptr) return "";
  std::string name;
  services.config->read([&](const nlohmann::json& doc) {
    const std::string uuid = doc.value("/cluster/master_node"_json_pointer, "");
    const auto& nodes = core::cluster::objectMember(doc, "nodes");
    name = nodes.contains(uuid) ? nodes[uuid].value("name", uuid) : uuid;
  });
  return name;
}

}  // namespace gantry::daemon::master
