// OP_INSTANCE_QUERY_DATA (gnt-instance info): everything about the named
// instances (all when none are named), in Ganeti's result layout. Without
// "static" it also asks the nodes: whether the instance runs, one
// all_instances_info per primary node, and each disk's status from
// blockdev_find on every node that holds it. It takes no locks and reads
// one config snapshot, so it never waits for a running job.
#include <algorithm>
#include <map>
#include <set>

#include "core/cluster/json_access.h"
#include "core/config/store.h"
#include "daemon/master/cluster/node_rpc.h"
#include "daemon/master/lu/instance/instance_helpers.h"

namespace gantry::daemon::master {
namespace {
using core::cluster::objectMember;
using nlohmann::json;

constexpr std::chrono::seconds kNodeTimeout{10};

// Ganeti's status tuple (dev_path, major, minor, sync_percent,
// estimated_time, is_degraded, ldisk_status) of a blockdev_find answer.
json statusTuple(const json& found) {
  if (!found.is_object()) return nullptr;
  return json::array({found.value("dev_path", ""), found.value("major", json(nullptr)),
                      found.value("minor", json(nullptr)),
                      found.value("sync_percent", json(nullptr)),
                      found.value("estimated_time", json(nullptr)),
                      found.value("is_degraded", false), found.value("ldisk_status", 3)});
}

class LuInstanceQueryData : public LogicalUnit {
 public:
  using LogicalUnit::LogicalUnit;
  bool requiresBgl() const override { return false; }

  void checkPrereq() override {
    if (services.config == nullptr) throw PrereqError("The cluster is not initialized");
    config_ = services.config->document();
    static_ = op.getBool("static");
    const json names = op.get("instances");
    if (names.is_array() && !names.empty()) {
      for (const auto& name : names) {
        if (!name.is_string()) throw PrereqError("Invalid instance name " + name.dump());
        uuids_.push_back(requireInstance(doc(), name.get<std::string>()));
      }
    } else {
      for (const auto& [uuid, instance] : objectMember(doc(), "instances").items()) {
        uuids_.push_back(uuid);
      }
    }
  }

  json exec() override {
    const std::map<std::string, json> running = static_ ? std::map<std::string, json>{}
                                                        : runningInstances();
    json result = json::object();
    for (const auto& uuid : uuids_) {
      const json& instance = doc().at("instances").at(uuid);
      result[instance.value("name", "")] = describe(uuid, instance, running);
    }
    return result;
  }

 private:
  const json& node(const std::string& uuid) const {
    static const json kNone = json::object();
    const json& nodes = objectMember(doc(), "nodes");
    return nodes.contains(uuid) ? nodes.at(uuid) : kNone;
  }

  std::string groupName(const std::string& uuid) const {
    const json& groups = objectMember(doc(), "nodegroups");
    return groups.contains(uuid) ? groups.at(uuid).value("name", "") : "";
  }

  // Per primary node uuid, what all_instances_info answered (an object of
  // instance names), or nothing when the node is offline or did not answer.
  std::map<std::string, json> runningInstances() {
    std::map<std::string, std::set<std::string>> hypervisorsByNode;
    for (const auto& uuid : uuids_) {
      const json& instance = doc().at("instances").at(uuid);
      hypervisorsByNode[instance.value("primary_node", "")].insert(
          instance.value("hypervisor", ""));
    }
    std::map<std::string, json> out;
    for (const auto& [nodeUuid, hypervisors] : hypervisorsByNode) {
      const json& n = node(nodeUuid);
      if (n.empty() || n.value("offline", false)) continue;
      auto reply = callNode(services, nodeTarget(services, n), "all_instances_info",
                            {{"hypervisors", hypervisors}}, kNodeTimeout);
      if (reply.ok && reply.result.is_object()) out[nodeUuid] = reply.result;
    }
    return out;
  }

  json runState(const json& instance, const std::map<std::string, json>& running) const {
    if (static_) return nullptr;
    const std::string pnode = instance.value("primary_node", "");
    if (node(pnode).value("offline", false)) return nullptr;
    auto found = running.find(pnode);
    if (found == running.end()) return nullptr;
    return found->second.contains(instance.value("name", "")) ? "up" : "down";
  }

  // blockdev_find of `diskSpec` on `nodeUuid`, as Ganeti's status tuple;
  // null when static, offline, unreachable or absent.
  json diskStatus(const std::string& nodeUuid, const json& diskSpec) {
    if (static_ || nodeUuid.empty()) return nullptr;
    const json& n = node(nodeUuid);
    if (n.empty() || n.value("offline", false)) return nullptr;
    auto reply = callNode(services, nodeTarget(services, n), "blockdev_find",
                          {{"disk", diskSpec}}, kNodeTimeout);
    return reply.ok ? statusTuple(reply.result) : json(nullptr);
  }

  json describeDisk(const json& disk, const json& spec, const std::string& pnode,
                    const std::string& snode) {
    json children = json::array();
    const json specChildren = spec.value("children", json::array());
    std::size_t index = 0;
    for (const auto& child : disk.value("children", json::array())) {
      children.push_back(describeDisk(child, index < specChildren.size()
                                                 ? specChildren[index] : json::object(),
                                      pnode, snode));
      ++index;
    }
    return {{"iv_name", disk.value("iv_name", json(nullptr))},
            {"dev_type", disk.value("dev_type", "")},
            {"logical_id", disk.value("logical_id", json(nullptr))},
            {"drbd_info", nullptr},
            {"pstatus", diskStatus(pnode, spec)},
            {"sstatus", snode.empty() ? json(nullptr) : diskStatus(snode, spec)},
            {"children", children},
            {"mode", disk.value("mode", "rw")},
            {"size", disk.value("size", 0)},
            {"spindles", disk.value("spindles", json(nullptr))},
            {"name", disk.value("name", json(nullptr))},
            {"uuid", disk.value("uuid", "")}};
  }

  json describe(const std::string& uuid, const json& instance,
                const std::map<std::string, json>& running) {
    const InstanceDescription description = describeInstance(doc(), uuid);
    const std::string pnode = instance.value("primary_node", "");
    const json& primary = node(pnode);
    std::vector<std::string> snodeUuids;
    const json& disks = objectMember(doc(), "disks");
    std::string templateName = "diskless";
    json diskResults = json::array();
    std::size_t index = 0;
    for (const auto& diskUuid : instance.value("disks", json::array())) {
      const json& disk = disks.at(diskUuid.get<std::string>());
      templateName = disk.value("dev_type", templateName);
      std::string snode;
      for (const auto& n : disk.value("nodes", json::array())) {
        if (n == pnode) continue;
        snode = n.get<std::string>();
        if (std::find(snodeUuids.begin(), snodeUuids.end(), snode) == snodeUuids.end()) {
          snodeUuids.push_back(snode);
        }
      }
      diskResults.push_back(describeDisk(disk, description.disks.at(index++), pnode, snode));
    }
    json snodes = json::array(), snodeGroups = json::array(), snodeGroupNames = json::array();
    for (const auto& s : snodeUuids) {
      snodes.push_back(node(s).value("name", s));
      snodeGroups.push_back(node(s).value("group", ""));
      snodeGroupNames.push_back(groupName(node(s).value("group", "")));
    }
    return {{"name", instance.value("name", "")},
            {"config_state", instance.value("admin_state", "down")},
            {"run_state", runState(instance, running)},
            {"pnode", primary.value("name", pnode)},
            {"pnode_group_uuid", primary.value("group", "")},
            {"pnode_group_name", groupName(primary.value("group", ""))},
            {"snodes", snodes},
            {"snodes_group_uuids", snodeGroups},
            {"snodes_group_names", snodeGroupNames},
            {"os", instance.value("os", "")},
            {"nics", nicTuples(instance, description)},
            {"disk_template", instance.value("disk_template", templateName)},
            {"disks", diskResults},
            {"hypervisor", instance.value("hypervisor", "")},
            {"network_port", instance.value("network_port", json(nullptr))},
            {"hv_instance", instance.value("hvparams", json::object())},
            {"hv_actual", filledHvparams(doc(), instance)},
            {"be_instance", instance.value("beparams", json::object())},
            {"be_actual", filledBeparams(doc(), instance)},
            {"os_instance", instance.value("osparams", json::object())},
            {"os_actual", filledOsparams(doc(), instance)},
            {"serial_no", instance.value("serial_no", 0)},
            {"mtime", instance.value("mtime", 0.0)},
            {"ctime", instance.value("ctime", 0.0)},
            {"uuid", uuid}};
  }

  // Ganeti's NICListToTuple: (name, uuid, ip, mac, mode, link, vlan,
  // network, netinfo) with the cluster's nicparams filled in.
  static json nicTuples(const json& instance, const InstanceDescription& description) {
    json out = json::array();
    const json specNics = description.instance.value("nics", json::array());
    std::size_t index = 0;
    for (const auto& nic : instance.value("nics", json::array())) {
      const json spec = index < specNics.size() ? specNics[index] : json::object();
      ++index;
      out.push_back(json::array({nic.value("name", json(nullptr)), nic.value("uuid", ""),
                                 nic.value("ip", json(nullptr)), nic.value("mac", ""),
                                 spec.value("mode", ""), spec.value("link", ""),
                                 spec.value("vlan", ""), nic.value("network", json(nullptr)),
                                 nullptr}));
    }
    return out;
  }

  // The config as the prerequisites read it (shared, read-only).
  const json& doc() const { return *config_; }
  std::shared_ptr<const json> config_ = std::make_shared<const json>(json::object());
  bool static_ = false;
  std::vector<std::string> uuids_;
};

}  // namespace

void registerInstanceQueryData() {
  registerLogicalUnit("OP_INSTANCE_QUERY_DATA", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuInstanceQueryData>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
