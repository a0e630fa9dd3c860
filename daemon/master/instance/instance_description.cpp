#include "daemon/master/instance/instance_description.h"

#include "core/cluster/json_access.h"
#include "core/cluster/spec_json.h"

namespace gantry::daemon::master {
using nlohmann::json;

namespace {

void overlay(json& base, const json& layer) {
  if (!layer.is_object()) return;
  for (const auto& [k, v] : layer.items()) base[k] = v;
}

std::vector<std::string> textList(const json& list) {
  std::vector<std::string> out;
  for (const auto& item : list) out.push_back(item.is_string() ? item.get<std::string>() : item.dump());
  return out;
}

sdk::DiskSpec diskSpec(const json& doc, const json& disk, const std::string& instanceName) {
  sdk::DiskSpec spec;
  spec.uuid = disk.value("uuid", "");
  spec.name = disk.value("name", json("")).is_string() ? disk.value("name", "") : "";
  spec.ivName = disk.value("iv_name", "");
  spec.devType = disk.value("dev_type", "");
  spec.logicalId = textList(disk.value("logical_id", json::array()));
  spec.sizeMiB = disk.value("size", 0);
  spec.spindles = disk.value("spindles", json(0)).is_number() ? disk.value("spindles", 0) : 0;
  json params = doc.value("cluster", json::object())
                    .value("diskparams", json::object())
                    .value(spec.devType, json::object());
  overlay(params, disk.value("params", json::object()));
  spec.params = core::cluster::paramsFromJson(params, "diskparams");
  for (const auto& child : disk.value("children", json::array())) {
    spec.children.push_back(diskSpec(doc, child, instanceName));
  }
  spec.instanceName = instanceName;
  spec.readOnly = disk.value("mode", "rw") == "ro";
  return spec;
}

}  // namespace

json filledBeparams(const json& doc, const json& instance) {
  json filled = doc.value("cluster", json::object())
                    .value("beparams", json::object())
                    .value("default", json::object());
  overlay(filled, instance.value("beparams", json::object()));
  return filled;
}

json filledHvparams(const json& doc, const json& instance) {
  const json cluster = doc.value("cluster", json::object());
  const std::string hv = instance.value("hypervisor", "");
  const std::string os = instance.value("os", "");
  json filled = cluster.value("hvparams", json::object()).value(hv, json::object());
  const json osHvp = cluster.value("os_hvp", json::object());
  overlay(filled, osHvp.value(os.substr(0, os.find('+')), json::object()).value(hv, json::object()));
  overlay(filled, osHvp.value(os, json::object()).value(hv, json::object()));
  overlay(filled, instance.value("hvparams", json::object()));
  return filled;
}

json filledOsparams(const json& doc, const json& instance) {
  const json clusterParams =
      doc.value("cluster", json::object()).value("osparams", json::object());
  const std::string os = instance.value("os", "");
  json filled = clusterParams.value(os.substr(0, os.find('+')), json::object());
  if (os.find('+') != std::string::npos) overlay(filled, clusterParams.value(os, json::object()));
  overlay(filled, instance.value("osparams", json::object()));
  return filled;
}

std::string instanceUuidByName(const json& doc, const std::string& name) {
  for (const auto& [uuid, inst] : core::cluster::objectMember(doc, "instances").items()) {
    if (inst.value("name", "") == name) return uuid;
  }
  return "";
}

InstanceDescription describeInstance(const json& doc, const std::string& uuid) {
  const json& inst = doc.at("instances").at(uuid);
  InstanceDescription out;
  const std::string pnode = inst.value("primary_node", "");
  out.primaryNode = doc.at("nodes").at(pnode);
  out.primaryNodeName = out.primaryNode.value("name", pnode);

  sdk::InstanceSpec spec;
  spec.name = inst.value("name", "");
  spec.uuid = uuid;
  spec.hypervisor = inst.value("hypervisor", "");
  spec.os = inst.value("os", "");
  spec.primaryNode = out.primaryNodeName;
  spec.primaryNodeUuid = pnode;
  const json be = filledBeparams(doc, inst);
  spec.hvparams = core::cluster::paramsFromJson(filledHvparams(doc, inst), "hvparams");
  spec.beparams = core::cluster::paramsFromJson(be, "beparams");
  spec.startupMemoryMiB = be.value("maxmem", be.value("memory", 128));
  spec.vcpus = be.value("vcpus", 1);
  spec.networkPort = inst.value("network_port", json(0)).is_number() ? inst.value("network_port", 0) : 0;
  spec.tags = inst.value("tags", std::vector<std::string>{});
  spec.ctime = inst.value("ctime", 0.0);
  spec.mtime = inst.value("mtime", 0.0);
  const json defaultNic = doc.value("cluster", json::object())
                              .value("nicparams", json::object())
                              .value("default", json::object());
  for (const auto& nic : inst.value("nics", json::array())) {
    json params = defaultNic;
    overlay(params, nic.value("nicparams", json::object()));
    sdk::NicSpec n;
    n.uuid = nic.value("uuid", "");
    n.name = nic.value("name", json("")).is_string() ? nic.value("name", "") : "";
    n.mac = nic.value("mac", "");
    n.ip = nic.value("ip", json("")).is_string() ? nic.value("ip", "") : "";
    n.mode = params.value("mode", "");
    n.link = params.value("link", "");
    n.vlan = params.value("vlan", "");
    spec.nics.push_back(std::move(n));
  }
  out.disks = json::array();
  const json& disks = core::cluster::objectMember(doc, "disks");
  int index = 0;
  for (const auto& duuid : inst.value("disks", json::array())) {
    const json& disk = disks.at(duuid.get<std::string>());
    sdk::DiskSpec d = diskSpec(doc, disk, spec.name);
    sdk::AttachedDisk attached;
    attached.uuid = d.uuid;
    attached.name = d.name;
    attached.index = index++;
    attached.readOnly = d.readOnly;
    attached.sizeMiB = d.sizeMiB;
    attached.devType = d.devType;
    attached.logicalId = d.logicalId;
    spec.disks.push_back(std::move(attached));
    for (const auto& n : disk.value("nodes", json::array())) {
      if (n != pnode) spec.secondaryNodes.push_back(n.get<std::string>());
    }
    out.disks.push_back(core::cluster::diskSpecToJson(d));
  }
  out.instance = core::cluster::instanceSpecToJson(spec);
  return out;
}

}  // namespace gantry::daemon::master
