#include "daemon/master/instance_resource.h"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>

#include "core/cluster/json_access.h"
#include "core/config/defaults.h"
#include "core/config/store.h"
#include "core/luxi/errors.h"
#include "daemon/master/cluster/config_helpers.h"
#include "daemon/master/cluster/node_rpc.h"
#include "daemon/master/instance/instance_description.h"
#include "daemon/master/lu/instance/instance_helpers.h"

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
  static const std::set<std::string> fields = {"oper_state", "oper_ram", "oper_vcpus", "status",
                                               "console"};
  return fields;
}

// One instance of the config snapshot the query reads (not a copy).
struct InstanceRow {
  const nlohmann::json* instance;
  std::string uuid;
  std::string name;
};

const nlohmann::json& emptyObject() {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  return kEmpty;
}

// A member of an object by key, or an empty object (no copy).
const nlohmann::json& memberOrEmpty(const nlohmann::json& object, const std::string& key) {
  auto it = object.find(key);
  return it == object.end() ? emptyObject() : *it;
}

// What the nodes said: instance name -> (node uuid, info); nodes that
// could not be asked.
struct LiveData {
  std::unordered_map<std::string, std::pair<std::string, nlohmann::json>> running;
  std::set<std::string> failedNodes;
};

// What the rows need of a node.
struct NodeFacts {
  std::string name;
  bool offline = false;
};

// The columns answered first, the rest by name further down.
enum class Column {
  kName, kUuid, kHypervisor, kOs, kPnode, kStatus, kConsole,
  kOperState, kOperRam, kOperVcpus, kOther,
};

Column columnNamed(const std::string& f) {
  static const std::unordered_map<std::string, Column> kColumns = {
      {"name", Column::kName},          {"uuid", Column::kUuid},
      {"hypervisor", Column::kHypervisor}, {"os", Column::kOs},
      {"pnode", Column::kPnode},        {"status", Column::kStatus},
      {"console", Column::kConsole},    {"oper_state", Column::kOperState},
      {"oper_ram", Column::kOperRam},   {"oper_vcpus", Column::kOperVcpus},
  };
  const auto it = kColumns.find(f);
  return it == kColumns.end() ? Column::kOther : it->second;
}

// The instances of one config snapshot in natural name order. Sorting a
// thousand names took a tenth of a list; the order only changes with the
// config, so it is kept for the newest snapshot.
struct SortedRows {
  std::shared_ptr<const nlohmann::json> snapshot;  // keeps the rows' pointers valid
  std::vector<InstanceRow> rows;
};

std::shared_ptr<const SortedRows> sortedRows(const std::shared_ptr<const nlohmann::json>& doc) {
  static std::mutex mutex;
  static std::shared_ptr<const SortedRows> newest;
  {
    std::lock_guard lock(mutex);
    if (newest && newest->snapshot == doc) return newest;
  }
  auto sorted = std::make_shared<SortedRows>();
  sorted->snapshot = doc;
  for (const auto& [uuid, inst] : core::cluster::objectMember(*doc, "instances").items()) {
    sorted->rows.push_back({&inst, uuid, inst.value("name", "")});
  }
  std::sort(sorted->rows.begin(), sorted->rows.end(),
            [](const InstanceRow& a, const InstanceRow& b) {
              return core::query::naturalLess(a.name, b.name);
            });
  std::lock_guard lock(mutex);
  newest = sorted;
  return sorted;
}

}  // namespace

const core::query::Resource& instanceResource() {
  static const core::query::Resource resource(
      "instance", "name",
      {
          field("name", "Instance", FieldKind::kText, "Instance name", CompareMode::kHostname),
          field("uuid", "UUID", FieldKind::kText, "Instance UUID"),
          field("hypervisor", "Hypervisor", FieldKind::kText, "Hypervisor name"),
          field("os", "OS", FieldKind::kText, "Operating system"),
          field("pnode", "Primary_node", FieldKind::kText, "Primary node"),
          field("snodes", "Secondary_Nodes", FieldKind::kOther, "Secondary nodes"),
          field("admin_state", "InstanceState", FieldKind::kText,
                "Desired state of the instance"),
          field("admin_state_source", "InstanceStateSource", FieldKind::kText,
                "Who last changed the desired state of the instance"),
          field("admin_up", "Autostart", FieldKind::kBool,
                "Desired state of the instance (true if up)"),
          field("disks_active", "DisksActive", FieldKind::kBool,
                "Desired state of the instance disks"),
          field("disk_template", "Disk_template", FieldKind::kText,
                "Instance disk template"),
          field("disk.count", "Disks", FieldKind::kNumber, "Number of disks"),
          field("disk.sizes", "Disk_sizes", FieldKind::kOther, "List of disk sizes"),
          field("disk_usage", "DiskUsage", FieldKind::kUnit,
                "Total disk space used by instance on each of its nodes"),
          field("nic.count", "NICs", FieldKind::kNumber, "Number of network interfaces"),
          field("nic.macs", "NIC_MACs", FieldKind::kOther, "List containing each NIC's MAC"),
          field("nic.ips", "NIC_IPs", FieldKind::kOther,
                "List containing each network interface's IP address"),
          field("nic.modes", "NIC_modes", FieldKind::kOther,
                "List containing each network interface's mode"),
          field("nic.links", "NIC_links", FieldKind::kOther,
                "List containing each network interface's link"),
          field("be/maxmem", "ConfigMaxMem", FieldKind::kUnit, "The maximum memory size"),
          field("be/memory", "ConfigMaxMem", FieldKind::kUnit, "The maximum memory size"),
          field("be/minmem", "ConfigMinMem", FieldKind::kUnit, "The minimum memory size"),
          field("be/vcpus", "ConfigVCPUs", FieldKind::kNumber, "The number of VCPUs"),
          field("vcpus", "ConfigVCPUs", FieldKind::kNumber, "The number of VCPUs"),
          field("oper_state", "Running", FieldKind::kBool,
                "Actual state of instance; if this field is unavailable, the instance is not "
                "running"),
          field("oper_ram", "Memory", FieldKind::kUnit,
                "Actual memory usage as seen by hypervisor"),
          field("oper_vcpus", "VCPUs", FieldKind::kNumber,
                "Actual number of VCPUs as seen by hypervisor"),
          field("status", "Status", FieldKind::kText,
                "Instance status; \"running\" if instance is set to be running and actually "
                "is, \"ADMIN_down\" if instance is stopped and is not running, \"ERROR_up\" if "
                "instance is stopped but is running, \"ERROR_down\" if instance is set to be "
                "running but isn't, \"ERROR_nodedown\" if instance's primary node is down, "
                "\"ERROR_nodeoffline\" if instance's primary node is marked offline, "
                "\"ADMIN_offline\" if instance is offline and does not use dynamic resources, "
                "\"USER_down\" if the instance was shut down by its user"),
          field("console", "Console", FieldKind::kOther,
                "Instance console information"),
          field("tags", "Tags", FieldKind::kOther, "Tags"),
          field("ctime", "CTime", FieldKind::kTimestamp, "Creation timestamp"),
          field("mtime", "MTime", FieldKind::kTimestamp, "Modification timestamp"),
          field("serial_no", "SerialNo", FieldKind::kNumber, "Instance object serial number"),
          field("network_port", "Network_port", FieldKind::kOther,
                "Instance network port if available (e.g. for VNC console)"),
      });
  return resource;
}


core::query::Json queryInstances(MasterServices& services, const std::vector<std::string>& fields,
                                 const core::query::Filter& filter) {
  if (services.config == nullptr) {
    throw core::luxi::configurationError(
        "I do not have access to a valid configuration, cannot process queries");
  }
  core::query::PreparedQuery prepared(instanceResource(), fields, filter);
  const auto needed = prepared.neededFields();
  const bool wantLive = std::any_of(needed.begin(), needed.end(), [](const std::string& f) {
    return liveFields().count(f) != 0;
  });

  const auto snapshot = services.config->document();
  const nlohmann::json& doc = *snapshot;
  const auto& nodes = core::cluster::objectMember(doc, "nodes");
  const auto& disks = memberOrEmpty(doc, "disks");
  const auto sorted = sortedRows(snapshot);
  const std::vector<InstanceRow>& rows = sorted->rows;
  // The few nodes, looked up once instead of once per row.
  std::unordered_map<std::string, NodeFacts> nodeFacts;
  for (const auto& [uuid, node] : nodes.items()) {
    nodeFacts.emplace(uuid, NodeFacts{node.value("name", uuid), node.value("offline", false)});
  }
  auto nodeName = [&](const std::string& uuid) {
    const auto it = nodeFacts.find(uuid);
    return it == nodeFacts.end() ? uuid : it->second.name;
  };

  LiveData live;
  bool liveFetched = false;
  auto fetchLive = [&] {
    if (!wantLive || liveFetched) return;
    liveFetched = true;
    const auto hvs = doc.value("/cluster/enabled_hypervisors"_json_pointer, nlohmann::json::array());
    std::vector<core::rpc::NodeTarget> targets;
    std::vector<std::string> uuids;
    for (const auto& [uuid, node] : nodes.items()) {
      if (node.value("offline", false)) continue;
      targets.push_back(nodeTarget(services, node));
      uuids.push_back(uuid);
    }
    auto replies = callNodes(services, targets, "all_instances_info", {{"hypervisors", hvs}},
                             std::chrono::seconds(10));
    for (std::size_t i = 0; i < replies.size(); ++i) {
      if (!replies[i].ok) {
        live.failedNodes.insert(uuids[i]);
        continue;
      }
      for (const auto& [name, info] : replies[i].result.items()) {
        // A copy on its primary node wins over one found elsewhere.
        live.running.try_emplace(name, uuids[i], info);
      }
    }
  };

  core::query::ItemSource source;
  source.scan = [&] {
    fetchLive();
    std::vector<core::query::ItemHandle> handles;
    for (std::size_t i = 0; i < rows.size(); ++i) handles.push_back(i);
    return handles;
  };
  source.lookup = [&](const std::vector<core::query::FilterValue>& values) {
    fetchLive();
    std::vector<std::string> all;
    for (const auto& row : rows) all.push_back(row.name);
    std::vector<core::query::ItemHandle> handles;
    for (const auto& value : values) {
      const std::string key = value.isString() ? value.string() : std::to_string(value.number());
      const std::string name = core::query::resolveName("Instance", all, key);
      handles.push_back(static_cast<std::size_t>(
          std::find(all.begin(), all.end(), name) - all.begin()));
    }
    return handles;
  };
  // What every column of a row needs, worked out once per row.
  struct RowState {
    bool ready = false;
    std::string pnode;
    bool pnodeOffline = false;
    const std::pair<std::string, nlohmann::json>* running = nullptr;  // live info, if running
  };
  std::vector<RowState> states(rows.size());
  auto stateOf = [&](std::size_t h) -> const RowState& {
    RowState& st = states[h];
    if (!st.ready) {
      st.ready = true;
      st.pnode = rows[h].instance->value("primary_node", "");
      const auto node = nodeFacts.find(st.pnode);
      st.pnodeOffline = node != nodeFacts.end() && node->second.offline;
      const auto it = live.running.find(rows[h].name);
      if (it != live.running.end()) st.running = &it->second;
    }
    return st;
  };
  // The query's columns stay in place while it runs: each one's kind is
  // worked out on its first cell, not by comparing names in every row.
  std::vector<std::pair<const FieldSpec*, Column>> columns;
  auto columnOf = [&](const FieldSpec& spec) {
    for (const auto& [known, column] : columns) {
      if (known == &spec) return column;
    }
    const Column column = columnNamed(spec.def.name);
    columns.emplace_back(&spec, column);
    return column;
  };
  source.cell = [&](core::query::ItemHandle h, const FieldSpec& spec) -> Cell {
    const InstanceRow& row = rows[h];
    const auto& inst = *row.instance;
    const std::string& f = spec.def.name;
    const std::string& name = row.name;
    const RowState& state = stateOf(h);
    const std::string& pnode = state.pnode;
    const bool pnodeOffline = state.pnodeOffline;
    const auto* running = state.running;
    const bool isRunning = running != nullptr;
    const Column column = columnOf(spec);
    if (column == Column::kName) return Cell::normal(Json(name));
    if (column == Column::kHypervisor) return Cell::normal(Json(inst.value("hypervisor", "")));
    if (column == Column::kOs) return Cell::normal(Json(inst.value("os", "")));
    if (column == Column::kPnode) return Cell::normal(Json(nodeName(pnode)));
    if (column == Column::kStatus) {
      if (pnodeOffline) return Cell::normal(Json("ERROR_nodeoffline"));
      if (live.failedNodes.count(pnode)) return Cell::normal(Json("ERROR_nodedown"));
      const std::string admin = inst.value("admin_state", "down");
      if (isRunning) {
        if (running->first != pnode) return Cell::normal(Json("ERROR_wrongnode"));
        return Cell::normal(Json(admin == "up" ? "running" : "ERROR_up"));
      }
      if (admin == "up") return Cell::normal(Json("ERROR_down"));
      if (admin == "down") {
        return Cell::normal(
            Json(inst.value("admin_state_source", "admin") == "user" ? "USER_down" : "ADMIN_down"));
      }
      return Cell::normal(Json("ADMIN_offline"));
    }
    if (column == Column::kConsole) {
      if (pnodeOffline) return Cell::withStatus(ResultStatus::kOffline);
      if (live.failedNodes.count(pnode)) return Cell::withStatus(ResultStatus::kNoData);
      if (!isRunning) return Cell::withStatus(ResultStatus::kUnavail);
      auto console = instanceConsole(services, doc, describeInstance(doc, row.uuid));
      if (!console) return Cell::withStatus(ResultStatus::kNoData);
      return Cell::normal(std::move(*console));
    }
    if (column == Column::kOperState || column == Column::kOperRam ||
        column == Column::kOperVcpus) {
      if (pnodeOffline) return Cell::withStatus(ResultStatus::kOffline);
      if (live.failedNodes.count(pnode)) return Cell::withStatus(ResultStatus::kNoData);
      if (column == Column::kOperState) return Cell::normal(Json(isRunning));
      if (!isRunning) return Cell::withStatus(ResultStatus::kUnavail);
      return Cell::normal(
          Json(running->second.value(column == Column::kOperRam ? "memory" : "vcpus", 0)));
    }
    if (column == Column::kUuid) return Cell::normal(Json(row.uuid));
    std::vector<std::string> snodes;
    std::vector<std::int64_t> sizes;
    std::string disktemplate = "diskless";
    for (const auto& duuid : core::cluster::arrayMember(inst, "disks")) {
      const auto& disk = memberOrEmpty(disks, duuid.get<std::string>());
      disktemplate = disk.value("dev_type", disktemplate);
      sizes.push_back(disk.value("size", 0));
      for (const auto& n : core::cluster::arrayMember(disk, "nodes")) {
        const std::string nu = n.get<std::string>();
        if (nu != pnode && std::find(snodes.begin(), snodes.end(), nodeName(nu)) == snodes.end()) {
          snodes.push_back(nodeName(nu));
        }
      }
    }
    if (f == "snodes") return Cell::normal(Json(snodes));
    if (f == "disk_template") return Cell::normal(Json(disktemplate));
    if (f == "disk.count") return Cell::normal(Json(sizes.size()));
    if (f == "disk.sizes") return Cell::normal(Json(sizes));
    if (f == "disk_usage") {
      std::int64_t total = 0;
      for (auto s : sizes) total += s;
      return Cell::normal(Json(disktemplate == "diskless" ? 0 : total));
    }
    const auto& nics = core::cluster::arrayMember(inst, "nics");
    if (f == "nic.count") return Cell::normal(Json(nics.size()));
    if (f == "nic.macs" || f == "nic.ips") {
      Json values = Json::array();
      for (const auto& nic : nics) {
        values.push_back(f == "nic.macs" ? Json(nic.value("mac", "")) : Json(nic.value("ip", nlohmann::json(nullptr))));
      }
      return Cell::normal(values);
    }
    if (f == "nic.modes" || f == "nic.links") {
      // The NIC's own value, else the cluster's default (Ganeti's filled
      // nicparams).
      const std::string key = f == "nic.modes" ? "mode" : "link";
      const auto defaults = doc.value("cluster", nlohmann::json::object())
                                .value("nicparams", nlohmann::json::object())
                                .value("default", nlohmann::json::object());
      Json values = Json::array();
      for (const auto& nic : nics) {
        const auto own = nic.value("nicparams", nlohmann::json::object());
        values.push_back(own.contains(key) ? Json(own[key]) : Json(defaults.value(key, nlohmann::json(""))));
      }
      return Cell::normal(values);
    }
    const auto be = filledBeparams(doc, inst);
    if (f == "be/maxmem" || f == "be/memory") return Cell::normal(Json(be.value("maxmem", 0)));
    if (f == "be/minmem") return Cell::normal(Json(be.value("minmem", 0)));
    if (f == "be/vcpus" || f == "vcpus") return Cell::normal(Json(be.value("vcpus", 1)));
    if (f == "admin_state") return Cell::normal(Json(inst.value("admin_state", "down")));
    if (f == "admin_state_source") {
      return Cell::normal(Json(inst.value("admin_state_source", "admin")));
    }
    if (f == "admin_up") return Cell::normal(Json(inst.value("admin_state", "down") == "up"));
    if (f == "disks_active") return Cell::normal(Json(inst.value("disks_active", false)));
    if (f == "tags") return Cell::normal(Json(inst.value("tags", nlohmann::json::array())));
    if (f == "ctime" || f == "mtime") return Cell::normal(Json(inst.value(f, 0.0)));
    if (f == "serial_no") return Cell::normal(Json(inst.value("serial_no", 0)));
    if (f == "network_port") return Cell::normal(Json(inst.value("network_port", nlohmann::json(nullptr))));
    return Cell::withStatus(ResultStatus::kUnavail);
  };
  return core::query::runQuery(prepared, source);
}

}  // namespace gantry::daemon::master
