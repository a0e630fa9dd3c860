#include "core/config/objects.h"

#include <algorithm>

#include "core/config/objects_fields.h"

namespace gantry::core::config {

using Json = nlohmann::json;
using detail::FieldReader;
using detail::FieldWriter;

namespace {

const Json kEmptyObject = Json::object();
const Json kEmptyArray = Json::array();

// Reader defaults shared by every taggable object (Haskell's field
// defaults: missing ctime/mtime read as 0, missing tags as []).
template <typename T>
void readTimesAndTags(FieldReader& r, T& object) {
  r.optional("ctime", object.ctime);
  r.optional("mtime", object.mtime);
  r.optional("tags", object.tags);
}

template <typename T>
void writeTimesAndTags(FieldWriter& w, const T& object) {
  w.putDefaulted("ctime", object.ctime, 0);
  w.putDefaulted("mtime", object.mtime, 0);
  w.putDefaulted("tags", object.tags, kEmptyArray);
}

// A `{uuid: object}` dictionary of typed objects.
template <typename T>
std::map<std::string, T> readObjectMap(FieldReader& r, const char* key,
                                       bool required) {
  std::map<std::string, T> out;
  const Json* value = r.raw(key);
  if (value == nullptr) {
    if (required) r.missing(key);
    return out;
  }
  if (!value->is_object()) r.wrongType(key, "expected a JSON object");
  for (auto it = value->begin(); it != value->end(); ++it) {
    out.emplace(it.key(),
                T::fromJson(it.value(), std::string(key) + "/" + it.key()));
  }
  return out;
}

template <typename T>
Json writeObjectMap(const std::map<std::string, T>& objects) {
  Json out = Json::object();
  for (const auto& [key, object] : objects) out[key] = object.toJson();
  return out;
}

template <typename T>
std::vector<T> readObjectList(FieldReader& r, const char* key) {
  std::vector<T> out;
  const Json* value = r.raw(key);
  if (value == nullptr) return out;
  if (!value->is_array()) r.wrongType(key, "expected a JSON array");
  for (std::size_t i = 0; i < value->size(); ++i) {
    out.push_back(T::fromJson((*value)[i], r.context() + "/" + key + "/" +
                                               std::to_string(i)));
  }
  return out;
}

template <typename T>
Json writeObjectList(const std::vector<T>& objects) {
  Json out = Json::array();
  for (const auto& object : objects) out.push_back(object.toJson());
  return out;
}

}  // namespace

// ---- Nic -----------------------------------------------------------------

Nic Nic::fromJson(const Json& json, const std::string& context) {
  Nic nic;
  FieldReader r(json, context, nic.extras);
  r.optional("uuid", nic.uuid);
  r.optional("mac", nic.mac);
  r.optional("ip", nic.ip);
  r.optional("nicparams", nic.nicparams);
  r.optional("network", nic.network);
  r.optional("name", nic.name);
  r.finish();
  return nic;
}

Json Nic::toJson() const {
  FieldWriter w(extras);
  w.putDefaulted("uuid", uuid, "");
  w.putDefaulted("mac", mac, "");
  w.putOptional("ip", ip);
  w.putDefaulted("nicparams", nicparams, kEmptyObject);
  w.putOptional("network", network);
  w.putOptional("name", name);
  return w.take();
}

// ---- Disk ----------------------------------------------------------------

Disk Disk::fromJson(const Json& json, const std::string& context) {
  Disk disk;
  FieldReader r(json, context, disk.extras);
  r.optional("uuid", disk.uuid);
  r.optional("dev_type", disk.devType);
  r.optional("logical_id", disk.logicalId);
  disk.children = readObjectList<Disk>(r, "children");
  r.optional("nodes", disk.nodes);
  r.optional("iv_name", disk.ivName);
  r.optional("size", disk.size);
  r.optional("mode", disk.mode);
  r.optional("name", disk.name);
  r.optional("spindles", disk.spindles);
  r.optional("params", disk.params);
  r.optional("forthcoming", disk.forthcoming);
  r.optional("serial_no", disk.serialNo);
  r.optional("ctime", disk.ctime);
  r.optional("mtime", disk.mtime);
  r.finish();
  return disk;
}

Json Disk::toJson() const {
  FieldWriter w(extras);
  w.putDefaulted("uuid", uuid, "");
  w.putDefaulted("dev_type", devType, "");
  w.putDefaulted("logical_id", logicalId, kEmptyArray);
  w.putDefaulted("children", writeObjectList(children), kEmptyArray);
  w.putDefaulted("nodes", nodes, kEmptyArray);
  w.putDefaulted("iv_name", ivName, "");
  w.putDefaulted("size", size, 0);
  w.putDefaulted("mode", mode, "rw");
  w.putOptional("name", name);
  w.putOptional("spindles", spindles);
  w.putDefaulted("params", params, kEmptyObject);
  w.putUnlessDefault("forthcoming", forthcoming, false);
  w.putDefaulted("serial_no", serialNo, 0);
  w.putDefaulted("ctime", ctime, 0);
  w.putDefaulted("mtime", mtime, 0);
  return w.take();
}

std::optional<std::string> Disk::drbdNode(int index) const {
  if (devType != "drbd" || index < 0 || index > 1 || !logicalId.is_array() ||
      logicalId.size() < 6 || !logicalId[index].is_string()) {
    return std::nullopt;
  }
  return logicalId[index].get<std::string>();
}

std::optional<std::int64_t> Disk::drbdPort() const {
  if (devType != "drbd" || !logicalId.is_array() || logicalId.size() < 6 ||
      !logicalId[2].is_number_integer()) {
    return std::nullopt;
  }
  return logicalId[2].get<std::int64_t>();
}

std::optional<std::int64_t> Disk::drbdMinor(int index) const {
  if (devType != "drbd" || index < 0 || index > 1 || !logicalId.is_array() ||
      logicalId.size() < 6 || !logicalId[3 + index].is_number_integer()) {
    return std::nullopt;
  }
  return logicalId[3 + index].get<std::int64_t>();
}

std::optional<std::string> Disk::drbdSecret() const {
  if (devType != "drbd" || !logicalId.is_array() || logicalId.size() < 6 ||
      !logicalId[5].is_string()) {
    return std::nullopt;
  }
  return logicalId[5].get<std::string>();
}

// ---- Instance ------------------------------------------------------------

Instance Instance::fromJson(const Json& json, const std::string& context) {
  Instance inst;
  FieldReader r(json, context, inst.extras);
  r.required("uuid", inst.uuid);
  r.required("serial_no", inst.serialNo);
  // Everything else may be missing on a forthcoming instance.
  r.optional("name", inst.name);
  r.optional("primary_node", inst.primaryNode);
  r.optional("os", inst.os);
  r.optional("hypervisor", inst.hypervisor);
  r.optional("hvparams", inst.hvparams);
  r.optional("beparams", inst.beparams);
  r.optional("osparams", inst.osparams);
  r.optional("osparams_private", inst.osparamsPrivate);
  r.optional("admin_state", inst.adminState);
  r.optional("admin_state_source", inst.adminStateSource);
  inst.nics = readObjectList<Nic>(r, "nics");
  r.optional("disks", inst.disks);
  r.optional("disks_active", inst.disksActive);
  r.optional("network_port", inst.networkPort);
  r.optional("forthcoming", inst.forthcoming);
  readTimesAndTags(r, inst);
  r.finish();
  return inst;
}

Json Instance::toJson() const {
  FieldWriter w(extras);
  w.put("uuid", uuid);
  w.put("serial_no", serialNo);
  w.putDefaulted("name", name, "");
  w.putDefaulted("primary_node", primaryNode, "");
  w.putDefaulted("os", os, "");
  w.putDefaulted("hypervisor", hypervisor, "");
  w.putDefaulted("hvparams", hvparams, kEmptyObject);
  w.putDefaulted("beparams", beparams, kEmptyObject);
  w.putDefaulted("osparams", osparams, kEmptyObject);
  w.putDefaulted("osparams_private", osparamsPrivate, kEmptyObject);
  w.putDefaulted("admin_state", adminState, "down");
  w.putDefaulted("admin_state_source", adminStateSource, "admin");
  w.putDefaulted("nics", writeObjectList(nics), kEmptyArray);
  w.putDefaulted("disks", disks, kEmptyArray);
  w.putDefaulted("disks_active", disksActive, false);
  w.putOptional("network_port", networkPort);
  w.putUnlessDefault("forthcoming", forthcoming, false);
  writeTimesAndTags(w, *this);
  return w.take();
}

// ---- Node ----------------------------------------------------------------

Node Node::fromJson(const Json& json, const std::string& context) {
  Node node;
  FieldReader r(json, context, node.extras);
  r.required("uuid", node.uuid);
  r.required("serial_no", node.serialNo);
  r.required("name", node.name);
  r.optional("primary_ip", node.primaryIp);
  r.optional("secondary_ip", node.secondaryIp);
  r.optional("group", node.group);
  r.optional("master_candidate", node.masterCandidate);
  r.optional("drained", node.drained);
  r.optional("offline", node.offline);
  r.optional("master_capable", node.masterCapable);
  r.optional("vm_capable", node.vmCapable);
  r.optional("powered", node.powered);
  r.optional("ndparams", node.ndparams);
  r.optional("hv_state_static", node.hvStateStatic);
  r.optional("disk_state_static", node.diskStateStatic);
  readTimesAndTags(r, node);
  r.finish();
  return node;
}

Json Node::toJson() const {
  FieldWriter w(extras);
  w.put("uuid", uuid);
  w.put("serial_no", serialNo);
  w.put("name", name);
  w.putDefaulted("primary_ip", primaryIp, "");
  w.putDefaulted("secondary_ip", secondaryIp, "");
  w.putDefaulted("group", group, "");
  w.putDefaulted("master_candidate", masterCandidate, false);
  w.putDefaulted("drained", drained, false);
  w.putDefaulted("offline", offline, false);
  w.putDefaulted("master_capable", masterCapable, true);
  w.putDefaulted("vm_capable", vmCapable, true);
  w.putDefaulted("powered", powered, true);
  w.putDefaulted("ndparams", ndparams, kEmptyObject);
  w.putUnlessDefault("hv_state_static", hvStateStatic, kEmptyObject);
  w.putUnlessDefault("disk_state_static", diskStateStatic, kEmptyObject);
  writeTimesAndTags(w, *this);
  return w.take();
}

// ---- NodeGroup -----------------------------------------------------------

NodeGroup NodeGroup::fromJson(const Json& json, const std::string& context) {
  NodeGroup group;
  FieldReader r(json, context, group.extras);
  r.required("uuid", group.uuid);
  r.required("serial_no", group.serialNo);
  r.required("name", group.name);
  r.optional("alloc_policy", group.allocPolicy);
  r.optional("ndparams", group.ndparams);
  r.optional("diskparams", group.diskparams);
  r.optional("ipolicy", group.ipolicy);
  r.optional("networks", group.networks);
  r.optional("hv_state_static", group.hvStateStatic);
  r.optional("disk_state_static", group.diskStateStatic);
  readTimesAndTags(r, group);
  // `members` is recomputed from the nodes; as an unread key it is kept
  // verbatim, which is what Ganeti's own writer does with it.
  r.finish();
  return group;
}

Json NodeGroup::toJson() const {
  FieldWriter w(extras);
  w.put("uuid", uuid);
  w.put("serial_no", serialNo);
  w.put("name", name);
  w.putDefaulted("alloc_policy", allocPolicy, "preferred");
  w.putDefaulted("ndparams", ndparams, kEmptyObject);
  w.putDefaulted("diskparams", diskparams, kEmptyObject);
  w.putDefaulted("ipolicy", ipolicy, kEmptyObject);
  w.putDefaulted("networks", networks, kEmptyObject);
  w.putUnlessDefault("hv_state_static", hvStateStatic, kEmptyObject);
  w.putUnlessDefault("disk_state_static", diskStateStatic, kEmptyObject);
  writeTimesAndTags(w, *this);
  return w.take();
}

// ---- Network -------------------------------------------------------------

Network Network::fromJson(const Json& json, const std::string& context) {
  Network net;
  FieldReader r(json, context, net.extras);
  r.required("uuid", net.uuid);
  r.required("serial_no", net.serialNo);
  r.required("name", net.name);
  r.required("network", net.network);
  r.optional("gateway", net.gateway);
  r.optional("network6", net.network6);
  r.optional("gateway6", net.gateway6);
  r.optional("mac_prefix", net.macPrefix);
  r.optional("reservations", net.reservations);
  r.optional("ext_reservations", net.extReservations);
  readTimesAndTags(r, net);
  r.finish();
  return net;
}

Json Network::toJson() const {
  FieldWriter w(extras);
  w.put("uuid", uuid);
  w.put("serial_no", serialNo);
  w.put("name", name);
  w.put("network", network);
  w.putOptional("gateway", gateway);
  w.putOptional("network6", network6);
  w.putOptional("gateway6", gateway6);
  w.putOptional("mac_prefix", macPrefix);
  w.putOptional("reservations", reservations);
  w.putOptional("ext_reservations", extReservations);
  writeTimesAndTags(w, *this);
  return w.take();
}

// ---- FilterRule ----------------------------------------------------------

FilterRule FilterRule::fromJson(const Json& json, const std::string& context) {
  FilterRule rule;
  FieldReader r(json, context, rule.extras);
  r.required("uuid", rule.uuid);
  r.required("watermark", rule.watermark);
  r.required("priority", rule.priority);
  r.required("predicates", rule.predicates);
  r.required("action", rule.action);
  r.required("reason_trail", rule.reasonTrail);
  r.finish();
  return rule;
}

Json FilterRule::toJson() const {
  FieldWriter w(extras);
  w.put("uuid", uuid);
  w.put("watermark", watermark);
  w.put("priority", priority);
  w.put("predicates", predicates);
  w.put("action", action);
  w.put("reason_trail", reasonTrail);
  return w.take();
}

// ---- Cluster -------------------------------------------------------------

Cluster Cluster::fromJson(const Json& json, const std::string& context) {
  Cluster c;
  FieldReader r(json, context, c.extras);
  r.required("uuid", c.uuid);
  r.required("serial_no", c.serialNo);
  r.required("cluster_name", c.clusterName);
  r.required("master_node", c.masterNode);
  r.optional("master_ip", c.masterIp);
  r.optional("master_netdev", c.masterNetdev);
  r.optional("master_netmask", c.masterNetmask);
  r.optional("use_external_mip_script", c.useExternalMipScript);
  r.optional("primary_ip_family", c.primaryIpFamily);
  r.optional("volume_group_name", c.volumeGroupName);
  r.optional("reserved_lvs", c.reservedLvs);
  r.optional("drbd_usermode_helper", c.drbdUsermodeHelper);
  r.optional("mac_prefix", c.macPrefix);
  r.optional("highest_used_port", c.highestUsedPort);
  r.optional("tcpudp_port_pool", c.tcpudpPortPool);
  r.optional("enabled_hypervisors", c.enabledHypervisors);
  r.optional("enabled_disk_templates", c.enabledDiskTemplates);
  r.optional("hvparams", c.hvparams);
  r.optional("os_hvp", c.osHvp);
  r.optional("beparams", c.beparams);
  r.optional("nicparams", c.nicparams);
  r.optional("ndparams", c.ndparams);
  r.optional("diskparams", c.diskparams);
  r.optional("ipolicy", c.ipolicy);
  r.optional("osparams", c.osparams);
  r.optional("osparams_private_cluster", c.osparamsPrivateCluster);
  r.optional("candidate_pool_size", c.candidatePoolSize);
  r.optional("max_running_jobs", c.maxRunningJobs);
  r.optional("max_tracked_jobs", c.maxTrackedJobs);
  r.optional("modify_etc_hosts", c.modifyEtcHosts);
  r.optional("modify_ssh_setup", c.modifySshSetup);
  r.optional("maintain_node_health", c.maintainNodeHealth);
  r.optional("prealloc_wipe_disks", c.preallocWipeDisks);
  r.optional("enabled_user_shutdown", c.enabledUserShutdown);
  r.optional("uid_pool", c.uidPool);
  r.optional("default_iallocator", c.defaultIallocator);
  r.optional("default_iallocator_params", c.defaultIallocatorParams);
  r.optional("hidden_os", c.hiddenOs);
  r.optional("blacklisted_os", c.blacklistedOs);
  r.optional("file_storage_dir", c.fileStorageDir);
  r.optional("shared_file_storage_dir", c.sharedFileStorageDir);
  r.optional("gluster_storage_dir", c.glusterStorageDir);
  r.optional("candidate_certs", c.candidateCerts);
  r.optional("hv_state_static", c.hvStateStatic);
  r.optional("disk_state_static", c.diskStateStatic);
  r.optional("install_image", c.installImage);
  r.optional("zeroing_image", c.zeroingImage);
  r.optional("instance_communication_network",
             c.instanceCommunicationNetwork);
  r.optional("compression_tools", c.compressionTools);
  r.optional("data_collectors", c.dataCollectors);
  r.optional("rsahostkeypub", c.rsahostkeypub);
  r.optional("dsahostkeypub", c.dsahostkeypub);
  r.optional("ssh_key_type", c.sshKeyType);
  r.optional("ssh_key_bits", c.sshKeyBits);
  readTimesAndTags(r, c);
  r.finish();
  return c;
}

Json Cluster::toJson() const {
  FieldWriter w(extras);
  w.put("uuid", uuid);
  w.put("serial_no", serialNo);
  w.put("cluster_name", clusterName);
  w.put("master_node", masterNode);
  w.putDefaulted("master_ip", masterIp, "");
  w.putDefaulted("master_netdev", masterNetdev, "");
  w.putDefaulted("master_netmask", masterNetmask, 32);
  w.putDefaulted("use_external_mip_script", useExternalMipScript, false);
  w.putDefaulted("primary_ip_family", primaryIpFamily, 2);
  w.putOptional("volume_group_name", volumeGroupName);
  w.putDefaulted("reserved_lvs", reservedLvs, kEmptyArray);
  w.putOptional("drbd_usermode_helper", drbdUsermodeHelper);
  w.putDefaulted("mac_prefix", macPrefix, "aa:00:00");
  w.putDefaulted("highest_used_port", highestUsedPort, 10999);
  w.putDefaulted("tcpudp_port_pool", tcpudpPortPool, kEmptyArray);
  w.putDefaulted("enabled_hypervisors", enabledHypervisors, kEmptyArray);
  w.putDefaulted("enabled_disk_templates", enabledDiskTemplates, kEmptyArray);
  w.putDefaulted("hvparams", hvparams, kEmptyObject);
  w.putDefaulted("os_hvp", osHvp, kEmptyObject);
  w.putDefaulted("beparams", beparams, kEmptyObject);
  w.putDefaulted("nicparams", nicparams, kEmptyObject);
  w.putDefaulted("ndparams", ndparams, kEmptyObject);
  w.putDefaulted("diskparams", diskparams, kEmptyObject);
  w.putDefaulted("ipolicy", ipolicy, kEmptyObject);
  w.putDefaulted("osparams", osparams, kEmptyObject);
  w.putDefaulted("osparams_private_cluster", osparamsPrivateCluster,
                 kEmptyObject);
  w.putDefaulted("candidate_pool_size", candidatePoolSize, 10);
  w.putDefaulted("max_running_jobs", maxRunningJobs, 20);
  w.putDefaulted("max_tracked_jobs", maxTrackedJobs, 25);
  w.putDefaulted("modify_etc_hosts", modifyEtcHosts, true);
  w.putDefaulted("modify_ssh_setup", modifySshSetup, true);
  w.putDefaulted("maintain_node_health", maintainNodeHealth, false);
  w.putDefaulted("prealloc_wipe_disks", preallocWipeDisks, false);
  w.putDefaulted("enabled_user_shutdown", enabledUserShutdown, false);
  w.putDefaulted("uid_pool", uidPool, kEmptyArray);
  w.putDefaulted("default_iallocator", defaultIallocator, "");
  w.putDefaulted("default_iallocator_params", defaultIallocatorParams,
                 kEmptyObject);
  w.putDefaulted("hidden_os", hiddenOs, kEmptyArray);
  w.putDefaulted("blacklisted_os", blacklistedOs, kEmptyArray);
  w.putDefaulted("file_storage_dir", fileStorageDir, "");
  w.putDefaulted("shared_file_storage_dir", sharedFileStorageDir, "");
  w.putDefaulted("gluster_storage_dir", glusterStorageDir, "");
  w.putDefaulted("candidate_certs", candidateCerts, kEmptyObject);
  w.putDefaulted("hv_state_static", hvStateStatic, kEmptyObject);
  w.putDefaulted("disk_state_static", diskStateStatic, kEmptyObject);
  w.putDefaulted("install_image", installImage, "");
  w.putDefaulted("zeroing_image", zeroingImage, "");
  w.putDefaulted("instance_communication_network",
                 instanceCommunicationNetwork, "");
  w.putDefaulted("compression_tools", compressionTools, kEmptyArray);
  w.putDefaulted("data_collectors", dataCollectors, kEmptyObject);
  w.putDefaulted("rsahostkeypub", rsahostkeypub, "");
  w.putOptional("dsahostkeypub", dsahostkeypub);
  w.putDefaulted("ssh_key_type", sshKeyType, "rsa");
  w.putDefaulted("ssh_key_bits", sshKeyBits, 2048);
  writeTimesAndTags(w, *this);
  return w.take();
}

// ---- ConfigData ----------------------------------------------------------

ConfigData ConfigData::fromJson(const Json& json) {
  ConfigData data;
  FieldReader r(json, "config", data.extras);
  r.required("version", data.version);
  const Json* cluster = r.raw("cluster");
  if (cluster == nullptr) r.missing("cluster");
  data.cluster = Cluster::fromJson(*cluster, "cluster");
  data.nodes = readObjectMap<Node>(r, "nodes", true);
  data.nodegroups = readObjectMap<NodeGroup>(r, "nodegroups", true);
  data.instances = readObjectMap<Instance>(r, "instances", true);
  data.disks = readObjectMap<Disk>(r, "disks", false);
  data.networks = readObjectMap<Network>(r, "networks", false);
  data.filters = readObjectMap<FilterRule>(r, "filters", false);
  r.required("serial_no", data.serialNo);
  r.optional("ctime", data.ctime);
  r.optional("mtime", data.mtime);
  r.finish();
  return data;
}

Json ConfigData::toJson() const {
  FieldWriter w(extras);
  w.put("version", version);
  w.put("cluster", cluster.toJson());
  w.put("nodes", writeObjectMap(nodes));
  w.put("nodegroups", writeObjectMap(nodegroups));
  w.put("instances", writeObjectMap(instances));
  w.putDefaulted("disks", writeObjectMap(disks), kEmptyObject);
  w.putDefaulted("networks", writeObjectMap(networks), kEmptyObject);
  w.putDefaulted("filters", writeObjectMap(filters), kEmptyObject);
  w.put("serial_no", serialNo);
  w.putDefaulted("ctime", ctime, 0);
  w.putDefaulted("mtime", mtime, 0);
  return w.take();
}

namespace {

template <typename T>
const T* findIn(const std::map<std::string, T>& objects,
                const std::string& uuid) {
  auto it = objects.find(uuid);
  return it == objects.end() ? nullptr : &it->second;
}

template <typename T>
const T* findByName(const std::map<std::string, T>& objects,
                    const std::string& name) {
  for (const auto& [uuid, object] : objects) {
    if (object.name == name) return &object;
  }
  return nullptr;
}

void collectNodes(const Disk& disk, std::vector<std::string>& out) {
  auto add = [&out](const std::string& node) {
    if (!node.empty() && std::find(out.begin(), out.end(), node) == out.end())
      out.push_back(node);
  };
  for (const auto& node : disk.nodes) add(node);
  for (int i = 0; i < 2; ++i) {
    if (auto node = disk.drbdNode(i)) add(*node);
  }
  for (const auto& child : disk.children) collectNodes(child, out);
}

}  // namespace

const Node* ConfigData::findNode(const std::string& uuid) const {
  return findIn(nodes, uuid);
}

const Node* ConfigData::findNodeByName(const std::string& name) const {
  return findByName(nodes, name);
}

const NodeGroup* ConfigData::findNodeGroup(const std::string& uuid) const {
  return findIn(nodegroups, uuid);
}

const Instance* ConfigData::findInstance(const std::string& uuid) const {
  return findIn(instances, uuid);
}

const Instance* ConfigData::findInstanceByName(const std::string& name) const {
  return findByName(instances, name);
}

const Disk* ConfigData::findDisk(const std::string& uuid) const {
  return findIn(disks, uuid);
}

std::string ConfigData::diskTemplate(const Instance& instance) const {
  if (instance.disks.empty()) return "diskless";
  const Disk* first = findDisk(instance.disks.front());
  return first == nullptr ? "diskless" : first->devType;
}

std::vector<std::string> ConfigData::secondaryNodes(
    const Instance& instance) const {
  std::vector<std::string> all;
  for (const auto& uuid : instance.disks) {
    if (const Disk* disk = findDisk(uuid)) collectNodes(*disk, all);
  }
  std::erase(all, instance.primaryNode);
  return all;
}

}  // namespace gantry::core::config
