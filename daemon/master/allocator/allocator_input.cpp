#include "daemon/master/allocator/allocator_input.h"

#include <map>

#include "core/cluster/json_access.h"
#include "core/config/defaults.h"
#include "daemon/master/cluster/node_rpc.h"
#include "daemon/master/instance/instance_description.h"

namespace gantry::daemon::master {
using core::cluster::objectMember;
using nlohmann::json;

namespace {

constexpr std::chrono::seconds kNodeInfoTimeout{10};

json stringList(const json& value) { return value.is_array() ? value : json::array(); }

std::string diskTemplateOfInstance(const json& doc, const json& instance) {
  const json& disks = objectMember(doc, "disks");
  for (const auto& uuid : instance.value("disks", json::array())) {
    if (disks.contains(uuid.get<std::string>())) {
      return disks.at(uuid.get<std::string>()).value("dev_type", "diskless");
    }
  }
  return instance.value("disk_template", "diskless");
}

json instanceDisks(const json& doc, const json& instance) {
  json out = json::array();
  const json& disks = objectMember(doc, "disks");
  for (const auto& uuid : instance.value("disks", json::array())) {
    if (!disks.contains(uuid.get<std::string>())) continue;
    const json& disk = disks.at(uuid.get<std::string>());
    out.push_back({{"dev_type", disk.value("dev_type", "")},
                   {"size", disk.value("size", 0)},
                   {"mode", disk.value("mode", "rw")},
                   {"spindles", disk.value("spindles", json(nullptr))}});
  }
  return out;
}

json nicList(const json& doc, const json& nics) {
  const json defaults = doc.value("cluster", json::object())
                            .value("nicparams", json::object())
                            .value("default", json::object());
  json out = json::array();
  for (const auto& nic : nics) {
    json params = defaults;
    for (const auto& [k, v] : objectMember(nic, "nicparams").items()) params[k] = v;
    for (const char* key : {"mode", "link"}) {
      if (nic.contains(key)) params[key] = nic[key];
    }
    json entry = {{"mac", nic.value("mac", json(nullptr))},
                  {"ip", nic.value("ip", json(nullptr))},
                  {"mode", params.value("mode", "")},
                  {"link", params.value("link", "")},
                  {"network", nic.value("network", json(nullptr))}};
    if (entry["mode"] == "bridged") entry["bridge"] = entry["link"];
    out.push_back(entry);
  }
  return out;
}

// Ganeti's filled ipolicy of a group: the cluster's, overlaid by the
// group's own values.
json groupIpolicy(const json& cluster, const json& group) {
  json policy = cluster.value("ipolicy", core::config::ipolicyDefaults());
  for (const auto& [key, value] : objectMember(group, "ipolicy").items()) {
    policy[key] = value;
  }
  return policy;
}

// The storage kind whose space the nodes report for a disk template: DRBD
// lives on the volume group; templates without space reporting ask none.
json spaceReporting(const std::string& diskTemplate) {
  if (diskTemplate == "drbd" || diskTemplate == "plain") return json::array({"plain"});
  if (diskTemplate == "file" || diskTemplate == "sharedfile") return json::array({diskTemplate});
  return json::array();
}

}  // namespace

std::int64_t diskSpaceTotal(const std::string& diskTemplate, const json& disks) {
  if (diskTemplate == "diskless" || diskTemplate == "blockdev") return 0;
  std::int64_t total = 0;
  for (const auto& disk : disks) {
    total += disk.value("size", std::int64_t{0}) + (diskTemplate == "drbd" ? 128 : 0);
  }
  return total;
}

int requiredNodes(const std::string& diskTemplate) { return diskTemplate == "drbd" ? 2 : 1; }

json allocatorClusterData(MasterServices& services, const json& doc,
                          const std::string& spaceTemplate) {
  const json cluster = doc.value("cluster", json::object());
  json out = {{"version", 2},
              {"cluster_name", cluster.value("cluster_name", "")},
              {"cluster_tags", stringList(cluster.value("tags", json::array()))},
              {"enabled_hypervisors", cluster.value("enabled_hypervisors", json::array())},
              {"ipolicy", cluster.value("ipolicy", core::config::ipolicyDefaults())}};

  json groups = json::object();
  for (const auto& [uuid, group] : objectMember(doc, "nodegroups").items()) {
    groups[uuid] = {{"name", group.value("name", "")},
                    {"alloc_policy", group.value("alloc_policy", "preferred")},
                    {"networks", json::array()},
                    {"ipolicy", groupIpolicy(cluster, group)},
                    {"tags", stringList(group.value("tags", json::array()))}};
    for (const auto& [netUuid, ignored] : objectMember(group, "networks").items()) {
      groups[uuid]["networks"].push_back(netUuid);
    }
  }
  out["nodegroups"] = groups;

  // Per node: what its primary instances hold or may still claim.
  const json& instances = objectMember(doc, "instances");
  std::map<std::string, std::int64_t> primaryMemory, primaryUpMemory;
  for (const auto& [uuid, instance] : instances.items()) {
    const std::int64_t maxmem = filledBeparams(doc, instance).value("maxmem", 0);
    const std::string pnode = instance.value("primary_node", "");
    primaryMemory[pnode] += maxmem;
    if (instance.value("admin_state", "down") == "up") primaryUpMemory[pnode] += maxmem;
  }

  const json ndDefaults = cluster.value("ndparams", core::config::ndDefaults());
  json nodes = json::object();
  for (const auto& [uuid, node] : objectMember(doc, "nodes").items()) {
    json ndparams = ndDefaults;
    for (const auto& [k, v] : objectMember(node, "ndparams").items()) ndparams[k] = v;
    json entry = {{"tags", stringList(node.value("tags", json::array()))},
                  {"primary_ip", node.value("primary_ip", "")},
                  {"secondary_ip", node.value("secondary_ip", "")},
                  {"offline", node.value("offline", false)},
                  {"drained", node.value("drained", false)},
                  {"master_candidate", node.value("master_candidate", false)},
                  {"group", node.value("group", "")},
                  {"master_capable", node.value("master_capable", true)},
                  {"vm_capable", node.value("vm_capable", true)},
                  {"ndparams", ndparams}};
    if (!node.value("offline", false) && node.value("vm_capable", true)) {
      const json hypervisors = cluster.value("enabled_hypervisors", json::array());
      auto reply = callNode(services, nodeTarget(services, node), "node_info",
                            {{"hypervisor", hypervisors.empty() ? json("") : hypervisors[0]},
                             {"storage", spaceReporting(spaceTemplate)}},
                            kNodeInfoTimeout);
      if (!reply.ok) {
        // Ganeti refuses to allocate on stale data; so do we.
        throw std::runtime_error("Can't get data for node " + node.value("name", "") + ": " +
                                 reply.msg);
      }
      const json& info = reply.result;
      // What up instances may still claim comes off the free memory.
      std::int64_t free = info.value("memory_free", std::int64_t{0});
      auto running = callNode(services, nodeTarget(services, node), "all_instances_info",
                              {{"hypervisors", hypervisors}}, kNodeInfoTimeout);
      for (const auto& [iuuid, instance] : instances.items()) {
        if (instance.value("primary_node", "") != uuid) continue;
        if (instance.value("admin_state", "down") != "up") continue;
        const std::int64_t maxmem = filledBeparams(doc, instance).value("maxmem", 0);
        std::int64_t used = 0;
        if (running.ok && running.result.contains(instance.value("name", ""))) {
          used = running.result[instance.value("name", "")].value("memory", std::int64_t{0});
        }
        free -= std::max<std::int64_t>(0, maxmem - used);
      }
      std::int64_t totalDisk = 0, freeDisk = 0;
      for (const auto& unit : info.value("storage", json::array())) {
        totalDisk += unit.value("storage_size", std::int64_t{0});
        freeDisk += unit.value("storage_free", std::int64_t{0});
      }
      entry["total_memory"] = info.value("memory_total", 0);
      entry["reserved_memory"] = info.value("memory_dom0", 0);
      entry["free_memory"] = free;
      entry["total_disk"] = totalDisk;
      entry["free_disk"] = freeDisk;
      entry["total_spindles"] = 0;
      entry["free_spindles"] = 0;
      entry["total_cpus"] = info.value("cpu_total", 0);
      entry["reserved_cpus"] = info.value("cpu_dom0", 0);
      entry["i_pri_memory"] = primaryMemory[uuid];
      entry["i_pri_up_memory"] = primaryUpMemory[uuid];
    }
    nodes[node.value("name", uuid)] = entry;
  }
  out["nodes"] = nodes;

  json described = json::object();
  const json& configNodes = objectMember(doc, "nodes");
  for (const auto& [uuid, instance] : instances.items()) {
    const json be = filledBeparams(doc, instance);
    const std::string layout = diskTemplateOfInstance(doc, instance);
    json nodeNames = json::array();
    const std::string pnode = instance.value("primary_node", "");
    nodeNames.push_back(configNodes.contains(pnode) ? configNodes[pnode].value("name", pnode)
                                                    : pnode);
    for (const auto& diskUuid : instance.value("disks", json::array())) {
      const json& disks = objectMember(doc, "disks");
      if (!disks.contains(diskUuid.get<std::string>())) continue;
      for (const auto& n : disks.at(diskUuid.get<std::string>()).value("nodes", json::array())) {
        const std::string name = configNodes.contains(n.get<std::string>())
                                     ? configNodes[n.get<std::string>()].value("name", "")
                                     : n.get<std::string>();
        if (std::find(nodeNames.begin(), nodeNames.end(), name) == nodeNames.end()) {
          nodeNames.push_back(name);
        }
      }
    }
    const json disks = instanceDisks(doc, instance);
    described[instance.value("name", uuid)] = {
        {"tags", stringList(instance.value("tags", json::array()))},
        {"admin_state", instance.value("admin_state", "down")},
        {"admin_state_source", instance.value("admin_state_source", "admin")},
        {"vcpus", be.value("vcpus", 1)},
        {"memory", be.value("maxmem", 128)},
        {"spindle_use", be.value("spindle_use", 1)},
        {"os", instance.value("os", "")},
        {"nodes", nodeNames},
        {"nics", nicList(doc, instance.value("nics", json::array()))},
        {"disks", disks},
        {"disk_template", layout},
        {"disk_space_total", diskSpaceTotal(layout, disks)},
        {"disks_active", instance.value("disks_active", false)},
        {"hypervisor", instance.value("hypervisor", "")}};
  }
  out["instances"] = described;
  return out;
}

json allocateRequest(const json& doc, const json& create) {
  const std::string layout = create.value("disk_template", "diskless");
  json disks = json::array();
  for (const auto& disk : create.value("disks", json::array())) {
    disks.push_back({{"size", disk.value("size", 0)},
                     {"mode", disk.value("mode", "rw")},
                     {"spindles", disk.value("spindles", json(nullptr))},
                     {"dev_type", layout}});
  }
  const json be = create.value("beparams", json::object());
  json request = {{"type", "allocate"},
                  {"name", create.value("instance_name", "")},
                  {"disk_template", layout},
                  {"group_name", create.value("group_name", json(nullptr))},
                  {"tags", create.value("tags", json::array())},
                  {"os", create.value("os_type", "")},
                  {"vcpus", be.value("vcpus", 1)},
                  {"memory", be.value("maxmem", 128)},
                  {"spindle_use", be.value("spindle_use", 1)},
                  {"disks", disks},
                  {"disk_space_total", diskSpaceTotal(layout, disks)},
                  {"nics", nicList(doc, create.value("nics", json::array()))},
                  {"required_nodes", requiredNodes(layout)},
                  {"hypervisor", create.value("hypervisor", "")}};
  return request;
}

json relocateRequest(const json& doc, const std::string& instanceUuid,
                     const std::vector<std::string>& relocateFromNames) {
  const json& instance = doc.at("instances").at(instanceUuid);
  const std::string layout = diskTemplateOfInstance(doc, instance);
  return {{"type", "relocate"},
          {"name", instance.value("name", "")},
          {"required_nodes", 1},
          {"disk_space_total", diskSpaceTotal(layout, instanceDisks(doc, instance))},
          {"relocate_from", relocateFromNames}};
}

json nodeEvacuateRequest(const std::vector<std::string>& instanceNames,
                         const std::string& evacMode) {
  return {{"type", "node-evacuate"}, {"instances", instanceNames}, {"evac_mode", evacMode}};
}

}  // namespace gantry::daemon::master
