#include "daemon/master/node_resource.h"

#include "core/cluster/json_access.h"
#include <algorithm>
#include <map>
#include <set>

#include "core/config/store.h"
#include "core/luxi/errors.h"
#include "daemon/master/cluster/config_helpers.h"
#include "daemon/master/cluster/node_rpc.h"

namespace gantry::daemon::master {
namespace {
using core::query::Cell;
using core::query::CompareMode;
using core::query::FieldKind;
using core::query::FieldSpec;
using core::query::field;
using core::query::Json;
using core::query::ResultStatus;

const std::set<std::string>& liveFields() {
  static const std::set<std::string> fields = {"dtotal", "dfree",  "mtotal", "mnode",
                                               "mfree",  "ctotal", "cnos",   "cnodes",
                                               "csockets", "bootid", "sptotal", "spfree"};
  return fields;
}

struct NodeRow {
  nlohmann::json node;
  std::string uuid;
  std::vector<std::string> primaries;
  std::vector<std::string> secondaries;
  std::optional<nlohmann::json> live;  // node_info result
};

std::string roleOf(const nlohmann::json& node, bool master) {
  if (master) return "M";
  if (node.value("master_candidate", false)) return "C";
  if (node.value("drained", false)) return "D";
  if (node.value("offline", false)) return "O";
  return "R";
}

Json liveValue(const NodeRow& row, const std::string& name) {
  const auto& live = *row.live;
  auto storage = [&](const char* key) -> Json {
    const auto units = live.value("storage", nlohmann::json::array());
    if (units.empty()) return nullptr;
    return Json(units[0].value(key, nlohmann::json(nullptr)));
  };
  if (name == "dtotal") return storage("storage_size");
  if (name == "dfree") return storage("storage_free");
  if (name == "sptotal") return storage("spindles_size");
  if (name == "spfree") return storage("spindles_free");
  static const std::map<std::string, std::string> keys = {
      {"mtotal", "memory_total"}, {"mnode", "memory_dom0"}, {"mfree", "memory_free"},
      {"ctotal", "cpu_total"},    {"cnos", "cpu_dom0"},     {"cnodes", "cpu_nodes"},
      {"csockets", "cpu_sockets"}, {"bootid", "bootid"}};
  auto it = keys.find(name);
  if (it == keys.end() || !live.contains(it->second)) return nullptr;
  return Json(live.at(it->second));
}

}  // namespace

std::string storageKindOfTemplate(const std::string& t) {
  if (t == "file") return "file";
  if (t == "sharedfile") return "sharedfile";
  if (t == "plain" || t == "drbd") return "plain";
  if (t == "gluster") return "gluster";
  return "";
}

const core::query::Resource& nodeResource() {
  static const core::query::Resource resource(
      "node", "name",
      {
          field("name", "Node", FieldKind::kText, "Node name", CompareMode::kHostname),
          field("pip", "PrimaryIP", FieldKind::kText, "Primary IP address"),
          field("sip", "SecondaryIP", FieldKind::kText, "Secondary IP address"),
          field("master", "IsMaster", FieldKind::kBool, "Whether node is master"),
          field("master_candidate", "MasterC", FieldKind::kBool,
                "Whether node is a master candidate"),
          field("drained", "Drained", FieldKind::kBool, "Whether node is drained"),
          field("offline", "Offline", FieldKind::kBool, "Whether node is marked offline"),
          field("master_capable", "MasterCapable", FieldKind::kBool,
                "Whether node can become a master candidate"),
          field("vm_capable", "VMCapable", FieldKind::kBool,
                "Whether node can host instances"),
          field("powered", "Powered", FieldKind::kBool,
                "Whether node is thought to be powered on"),
          field("role", "Role", FieldKind::kText,
                "Node role; \"M\" for master, \"C\" for master candidate, \"R\" for regular, "
                "\"D\" for drained, \"O\" for offline"),
          field("group", "Group", FieldKind::kText, "Node group"),
          field("group.uuid", "GroupUUID", FieldKind::kText, "UUID of node group"),
          field("pinst_cnt", "Pinst", FieldKind::kNumber,
                "Number of instances with this node as primary"),
          field("sinst_cnt", "Sinst", FieldKind::kNumber,
                "Number of instances with this node as secondary"),
          field("pinst_list", "PriInstances", FieldKind::kOther,
                "List of instances with this node as primary"),
          field("sinst_list", "SecInstances", FieldKind::kOther,
                "List of instances with this node as secondary"),
          field("dtotal", "DTotal", FieldKind::kUnit, "Total disk space in volume group"),
          field("dfree", "DFree", FieldKind::kUnit, "Available disk space in volume group"),
          field("mtotal", "MTotal", FieldKind::kUnit, "Total amount of memory of physical machine"),
          field("mnode", "MNode", FieldKind::kUnit, "Amount of memory used by node (dom0 for Xen)"),
          field("mfree", "MFree", FieldKind::kUnit, "Memory available for instance allocations"),
          field("ctotal", "CTotal", FieldKind::kNumber, "Total number of logical processors"),
          field("cnos", "CNOs", FieldKind::kNumber,
                "Number of logical processors used by the node OS (dom0 for Xen)"),
          field("cnodes", "CNodes", FieldKind::kNumber, "Number of NUMA domains on node"),
          field("csockets", "CSockets", FieldKind::kNumber,
                "Number of physical CPU sockets"),
          field("sptotal", "SpTotal", FieldKind::kNumber, "Total number of physical disk spindles"),
          field("spfree", "SpFree", FieldKind::kNumber, "Available number of physical disk spindles"),
          field("bootid", "BootID", FieldKind::kText, "Random UUID renewed for each system reboot"),
          field("ndparams", "NodeParameters", FieldKind::kOther,
                "Merged node parameters"),
          field("custom_ndparams", "CustomNodeParameters", FieldKind::kOther,
                "Custom node parameters"),
          field("tags", "Tags", FieldKind::kOther, "Tags"),
          field("ctime", "CTime", FieldKind::kTimestamp, "Creation timestamp"),
          field("mtime", "MTime", FieldKind::kTimestamp, "Modification timestamp"),
          field("uuid", "UUID", FieldKind::kText, "Node UUID"),
          field("serial_no", "SerialNo", FieldKind::kNumber, "Node object serial number"),
      });
  return resource;
}

core::query::Json queryNodes(MasterServices& services, const std::vector<std::string>& fields,
                             const core::query::Filter& filter) {
  if (services.config == nullptr) {
    throw core::luxi::configurationError(
        "I do not have access to a valid configuration, cannot process queries");
  }
  core::query::PreparedQuery prepared(nodeResource(), fields, filter);
  const auto needed = prepared.neededFields();
  const bool wantLive = std::any_of(needed.begin(), needed.end(), [](const std::string& f) {
    return liveFields().count(f) != 0;
  });

  const auto snapshot = services.config->document();
  const nlohmann::json& doc = *snapshot;
  const std::string masterUuid = doc.value("/cluster/master_node"_json_pointer, "");
  std::vector<NodeRow> rows;
  for (const auto& [uuid, node] : core::cluster::objectMember(doc, "nodes").items()) {
    rows.push_back({node, uuid, {}, {}, std::nullopt});
  }
  std::sort(rows.begin(), rows.end(), [](const NodeRow& a, const NodeRow& b) {
    return core::query::naturalLess(a.node.value("name", ""), b.node.value("name", ""));
  });
  std::map<std::string, std::size_t> byUuid;
  for (std::size_t i = 0; i < rows.size(); ++i) byUuid[rows[i].uuid] = i;
  // Instances: primary node, then the other nodes of their disks.
  const auto disks = doc.value("disks", nlohmann::json::object());
  for (const auto& [iuuid, inst] : core::cluster::objectMember(doc, "instances").items()) {
    const std::string name = inst.value("name", iuuid);
    const std::string primary = inst.value("primary_node", "");
    if (byUuid.count(primary)) rows[byUuid[primary]].primaries.push_back(name);
    std::set<std::string> seen;
    for (const auto& duuid : core::cluster::arrayMember(inst, "disks")) {
      const auto disk = disks.value(duuid.get<std::string>(), nlohmann::json::object());
      for (const auto& n : core::cluster::arrayMember(disk, "nodes")) {
        const std::string nu = n.get<std::string>();
        if (nu != primary && seen.insert(nu).second && byUuid.count(nu)) {
          rows[byUuid[nu]].secondaries.push_back(name);
        }
      }
    }
  }

  std::vector<core::query::ItemHandle> selected;
  auto names = [&] {
    std::vector<std::string> list;
    for (const auto& row : rows) list.push_back(row.node.value("name", ""));
    return list;
  };
  core::query::ItemSource source;
  auto fetchLive = [&](const std::vector<core::query::ItemHandle>& handles) {
    if (!wantLive) return;
    const auto hvs = doc.value("/cluster/enabled_hypervisors"_json_pointer, nlohmann::json::array());
    const auto templates =
        doc.value("/cluster/enabled_disk_templates"_json_pointer, nlohmann::json::array());
    const std::string hv = hvs.empty() ? "fake" : hvs[0].get<std::string>();
    const std::string kind =
        templates.empty() ? "" : storageKindOfTemplate(templates[0].get<std::string>());
    std::vector<core::rpc::NodeTarget> targets;
    for (auto h : handles) targets.push_back(nodeTarget(services, rows[h].node));
    nlohmann::json args = {{"hypervisor", hv}};
    if (!kind.empty()) args["storage"] = nlohmann::json::array({kind});
    auto replies = callNodes(services, targets, "node_info", args, std::chrono::seconds(5));
    for (std::size_t i = 0; i < handles.size(); ++i) {
      if (!replies[i].ok && !replies[i].offline && args.contains("storage") &&
          replies[i].code == sdk::ErrorCode::kNotFound) {
        // The storage plugin is missing there: memory and CPUs still count.
        replies[i] = callNode(services, targets[i], "node_info", {{"hypervisor", hv}},
                              std::chrono::seconds(5));
      }
      if (replies[i].ok) rows[handles[i]].live = replies[i].result;
    }
  };
  source.scan = [&] {
    std::vector<core::query::ItemHandle> handles;
    for (std::size_t i = 0; i < rows.size(); ++i) handles.push_back(i);
    fetchLive(handles);
    return handles;
  };
  source.lookup = [&](const std::vector<core::query::FilterValue>& values) {
    std::vector<core::query::ItemHandle> handles;
    const auto all = names();
    for (const auto& value : values) {
      const std::string key = value.isString() ? value.string() : std::to_string(value.number());
      const std::string name = core::query::resolveName("Node", all, key);
      handles.push_back(static_cast<std::size_t>(
          std::find(all.begin(), all.end(), name) - all.begin()));
    }
    fetchLive(handles);
    return handles;
  };
  source.cell = [&](core::query::ItemHandle h, const FieldSpec& spec) -> Cell {
    const NodeRow& row = rows[h];
    const auto& n = row.node;
    const std::string& f = spec.def.name;
    if (liveFields().count(f)) {
      if (!row.live) return Cell::withStatus(ResultStatus::kNoData);
      Json v = liveValue(row, f);
      if (v.is_null()) return Cell::withStatus(ResultStatus::kNoData);
      return Cell::normal(v);
    }
    if (f == "name") return Cell::normal(Json(n.value("name", "")));
    if (f == "pip") return Cell::normal(Json(n.value("primary_ip", "")));
    if (f == "sip") return Cell::normal(Json(n.value("secondary_ip", "")));
    if (f == "master") return Cell::normal(Json(row.uuid == masterUuid));
    if (f == "master_candidate" || f == "drained" || f == "offline") {
      return Cell::normal(Json(n.value(f, false)));
    }
    if (f == "master_capable" || f == "vm_capable" || f == "powered") {
      return Cell::normal(Json(n.value(f, true)));
    }
    if (f == "role") return Cell::normal(Json(roleOf(n, row.uuid == masterUuid)));
    if (f == "group.uuid") return Cell::normal(Json(n.value("group", "")));
    if (f == "group") {
      const std::string g = n.value("group", "");
      return Cell::normal(Json(doc.value("nodegroups", nlohmann::json::object())
                                   .value(g, nlohmann::json::object())
                                   .value("name", g)));
    }
    if (f == "pinst_cnt") return Cell::normal(Json(row.primaries.size()));
    if (f == "sinst_cnt") return Cell::normal(Json(row.secondaries.size()));
    if (f == "pinst_list") return Cell::normal(Json(row.primaries));
    if (f == "sinst_list") return Cell::normal(Json(row.secondaries));
    if (f == "custom_ndparams") {
      return Cell::normal(Json(n.value("ndparams", nlohmann::json::object())));
    }
    if (f == "ndparams") return Cell::normal(Json(filledNdparams(doc, n)));
    if (f == "tags") return Cell::normal(Json(n.value("tags", nlohmann::json::array())));
    if (f == "ctime" || f == "mtime") return Cell::normal(Json(n.value(f, 0.0)));
    if (f == "uuid") return Cell::normal(Json(row.uuid));
    if (f == "serial_no") return Cell::normal(Json(n.value("serial_no", 0)));
    return Cell::withStatus(ResultStatus::kUnavail);
  };
  return core::query::runQuery(prepared, source);
}

}  // namespace gantry::daemon::master
