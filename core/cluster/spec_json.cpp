#include "core/cluster/spec_json.h"

namespace gantry::core::cluster {
using nlohmann::json;

namespace {

template <typename T>
T field(const json& object, const char* key, const T& fallback, const std::string& what) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return fallback;
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    throw SpecJsonError(what + ": field '" + key + "' has the wrong type");
  }
}

void requireObject(const json& value, const std::string& what) {
  if (!value.is_object()) throw SpecJsonError(what + " must be an object");
}

}  // namespace

json paramsToJson(const sdk::ParamMap& params) {
  json out = json::object();
  for (const auto& [name, value] : params) {
    std::visit(
        [&](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, std::monostate>) {
            out[name] = nullptr;
          } else {
            out[name] = v;
          }
        },
        value);
  }
  return out;
}

sdk::ParamMap paramsFromJson(const json& value, const std::string& what) {
  sdk::ParamMap params;
  if (value.is_null()) return params;
  requireObject(value, what);
  for (const auto& [name, v] : value.items()) {
    if (v.is_null()) {
      params[name] = std::monostate{};
    } else if (v.is_boolean()) {
      params[name] = v.get<bool>();
    } else if (v.is_number_integer()) {
      params[name] = v.get<std::int64_t>();
    } else if (v.is_number()) {
      params[name] = v.get<double>();
    } else if (v.is_string()) {
      params[name] = v.get<std::string>();
    } else {
      throw SpecJsonError(what + ": parameter '" + name + "' is not a plain value");
    }
  }
  return params;
}

json diskSpecToJson(const sdk::DiskSpec& disk) {
  json children = json::array();
  for (const auto& child : disk.children) children.push_back(diskSpecToJson(child));
  return {{"uuid", disk.uuid},
          {"name", disk.name},
          {"iv_name", disk.ivName},
          {"dev_type", disk.devType},
          {"logical_id", disk.logicalId},
          {"size", disk.sizeMiB},
          {"spindles", disk.spindles},
          {"params", paramsToJson(disk.params)},
          {"dynamic_params", paramsToJson(disk.dynamicParams)},
          {"children", children},
          {"instance_name", disk.instanceName},
          {"read_only", disk.readOnly},
          {"exclusive_storage", disk.exclusiveStorage}};
}

sdk::DiskSpec diskSpecFromJson(const json& value) {
  requireObject(value, "disk");
  sdk::DiskSpec disk;
  disk.uuid = field<std::string>(value, "uuid", "", "disk");
  disk.name = field<std::string>(value, "name", "", "disk");
  disk.ivName = field<std::string>(value, "iv_name", "", "disk");
  disk.devType = field<std::string>(value, "dev_type", "", "disk");
  if (disk.devType.empty()) throw SpecJsonError("disk: field 'dev_type' is missing");
  disk.logicalId = field<std::vector<std::string>>(value, "logical_id", {}, "disk");
  disk.sizeMiB = field<std::int64_t>(value, "size", 0, "disk");
  if (disk.sizeMiB < 0) throw SpecJsonError("disk: field 'size' is negative");
  disk.spindles = field<std::int64_t>(value, "spindles", 0, "disk");
  disk.params = paramsFromJson(value.value("params", json::object()), "disk params");
  disk.dynamicParams =
      paramsFromJson(value.value("dynamic_params", json::object()), "disk dynamic_params");
  for (const auto& child : value.value("children", json::array())) {
    disk.children.push_back(diskSpecFromJson(child));
  }
  disk.instanceName = field<std::string>(value, "instance_name", "", "disk");
  disk.readOnly = field<bool>(value, "read_only", false, "disk");
  disk.exclusiveStorage = field<bool>(value, "exclusive_storage", false, "disk");
  return disk;
}

json instanceSpecToJson(const sdk::InstanceSpec& instance) {
  json nics = json::array();
  for (const auto& nic : instance.nics) {
    nics.push_back({{"uuid", nic.uuid},
                    {"name", nic.name},
                    {"mac", nic.mac},
                    {"ip", nic.ip},
                    {"mode", nic.mode},
                    {"link", nic.link},
                    {"vlan", nic.vlan},
                    {"network", nic.network}});
  }
  json disks = json::array();
  for (const auto& disk : instance.disks) {
    disks.push_back({{"uuid", disk.uuid},
                     {"name", disk.name},
                     {"index", disk.index},
                     {"device_path", disk.devicePath.string()},
                     {"uri", disk.uri},
                     {"read_only", disk.readOnly},
                     {"size", disk.sizeMiB},
                     {"dev_type", disk.devType},
                     {"logical_id", disk.logicalId}});
  }
  return {{"name", instance.name},
          {"uuid", instance.uuid},
          {"hypervisor", instance.hypervisor},
          {"os", instance.os},
          {"primary_node", instance.primaryNode},
          {"primary_node_uuid", instance.primaryNodeUuid},
          {"secondary_nodes", instance.secondaryNodes},
          {"hvparams", paramsToJson(instance.hvparams)},
          {"beparams", paramsToJson(instance.beparams)},
          {"nics", nics},
          {"disks", disks},
          {"tags", instance.tags},
          {"startup_memory", instance.startupMemoryMiB},
          {"vcpus", instance.vcpus},
          {"network_port", instance.networkPort},
          {"ctime", instance.ctime},
          {"mtime", instance.mtime}};
}

sdk::InstanceSpec instanceSpecFromJson(const json& value) {
  requireObject(value, "instance");
  sdk::InstanceSpec instance;
  instance.name = field<std::string>(value, "name", "", "instance");
  if (instance.name.empty()) throw SpecJsonError("instance: field 'name' is missing");
  instance.uuid = field<std::string>(value, "uuid", "", "instance");
  instance.hypervisor = field<std::string>(value, "hypervisor", "", "instance");
  instance.os = field<std::string>(value, "os", "", "instance");
  instance.primaryNode = field<std::string>(value, "primary_node", "", "instance");
  instance.primaryNodeUuid = field<std::string>(value, "primary_node_uuid", "", "instance");
  instance.secondaryNodes =
      field<std::vector<std::string>>(value, "secondary_nodes", {}, "instance");
  instance.hvparams = paramsFromJson(value.value("hvparams", json::object()), "hvparams");
  instance.beparams = paramsFromJson(value.value("beparams", json::object()), "beparams");
  for (const auto& nic : value.value("nics", json::array())) {
    requireObject(nic, "nic");
    sdk::NicSpec spec;
    spec.uuid = field<std::string>(nic, "uuid", "", "nic");
    spec.name = field<std::string>(nic, "name", "", "nic");
    spec.mac = field<std::string>(nic, "mac", "", "nic");
    spec.ip = field<std::string>(nic, "ip", "", "nic");
    spec.mode = field<std::string>(nic, "mode", "", "nic");
    spec.link = field<std::string>(nic, "link", "", "nic");
    spec.vlan = field<std::string>(nic, "vlan", "", "nic");
    spec.network = field<std::string>(nic, "network", "", "nic");
    instance.nics.push_back(std::move(spec));
  }
  for (const auto& disk : value.value("disks", json::array())) {
    requireObject(disk, "instance disk");
    sdk::AttachedDisk spec;
    spec.uuid = field<std::string>(disk, "uuid", "", "instance disk");
    spec.name = field<std::string>(disk, "name", "", "instance disk");
    spec.index = field<int>(disk, "index", 0, "instance disk");
    spec.devicePath = field<std::string>(disk, "device_path", "", "instance disk");
    spec.uri = field<std::string>(disk, "uri", "", "instance disk");
    spec.readOnly = field<bool>(disk, "read_only", false, "instance disk");
    spec.sizeMiB = field<std::int64_t>(disk, "size", 0, "instance disk");
    spec.devType = field<std::string>(disk, "dev_type", "", "instance disk");
    spec.logicalId = field<std::vector<std::string>>(disk, "logical_id", {}, "instance disk");
    instance.disks.push_back(std::move(spec));
  }
  instance.tags = field<std::vector<std::string>>(value, "tags", {}, "instance");
  instance.startupMemoryMiB = field<std::int64_t>(value, "startup_memory", 0, "instance");
  instance.vcpus = field<std::int64_t>(value, "vcpus", 1, "instance");
  instance.networkPort = field<std::int64_t>(value, "network_port", 0, "instance");
  instance.ctime = field<double>(value, "ctime", 0, "instance");
  instance.mtime = field<double>(value, "mtime", 0, "instance");
  return instance;
}

const char* instanceStateName(sdk::InstanceState state) {
  switch (state) {
    case sdk::InstanceState::kRunning: return "running";
    case sdk::InstanceState::kShutdown: return "shutdown";
    case sdk::InstanceState::kPaused: return "paused";
    case sdk::InstanceState::kCrashed: return "crashed";
  }
  return "running";
}

}  // namespace gantry::core::cluster
