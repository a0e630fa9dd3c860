#include "os_environment.h"

#include <algorithm>
#include <cctype>

#include "python_text.h"

namespace gantry::plugins::os_scripts {
namespace {

// Ganeti's DTS_BLOCK and DTS_FILEBASED.
constexpr const char* kBlockTemplates[] = {"plain", "drbd", "blockdev", "rbd", "ext"};
constexpr const char* kFileTemplates[] = {"file", "sharedfile", "gluster"};

bool oneOf(const std::string& value, const auto& set) {
  return std::any_of(std::begin(set), std::end(set),
                     [&](const char* s) { return value == s; });
}

std::string osParamVariable(const std::string& name) {
  std::string out = "OSP_";
  for (char c : name) {
    out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ' ';
    out += item;
  }
  return out;
}

void addNic(Environment& env, std::size_t index, const sdk::NicSpec& nic,
            const sdk::ParamMap& hvparams) {
  const std::string p = "NIC_" + std::to_string(index) + "_";
  env[p + "MAC"] = nic.mac;
  env[p + "UUID"] = nic.uuid;
  if (!nic.name.empty()) env[p + "NAME"] = nic.name;
  if (!nic.ip.empty()) env[p + "IP"] = nic.ip;
  env[p + "MODE"] = nic.mode;
  if (nic.mode == "bridged") env[p + "BRIDGE"] = nic.link;
  if (!nic.link.empty()) env[p + "LINK"] = nic.link;
  if (!nic.network.empty()) {
    // Ganeti's Network.HooksDict: name, uuid, tags always; the rest if set.
    env[p + "NETWORK_NAME"] = nic.networkName;
    env[p + "NETWORK_UUID"] = nic.network;
    env[p + "NETWORK_TAGS"] = joined(nic.networkTags);
    if (!nic.networkSubnet.empty()) env[p + "NETWORK_SUBNET"] = nic.networkSubnet;
    if (!nic.networkGateway.empty()) env[p + "NETWORK_GATEWAY"] = nic.networkGateway;
    if (!nic.networkSubnet6.empty()) env[p + "NETWORK_SUBNET6"] = nic.networkSubnet6;
    if (!nic.networkGateway6.empty()) env[p + "NETWORK_GATEWAY6"] = nic.networkGateway6;
    if (!nic.networkMacPrefix.empty()) {
      env[p + "NETWORK_MAC_PREFIX"] = nic.networkMacPrefix;
    }
  }
  if (auto it = hvparams.find("nic_type"); it != hvparams.end()) {
    env[p + "FRONTEND_TYPE"] = pythonStr(it->second);
  }
}

void addDisk(Environment& env, std::size_t index, const sdk::AttachedDisk& disk,
             const sdk::ParamMap& hvparams) {
  const std::string p = "DISK_" + std::to_string(index) + "_";
  env[p + "ACCESS"] = disk.readOnly ? "ro" : "rw";
  env[p + "UUID"] = disk.uuid;
  if (!disk.devicePath.empty()) env[p + "PATH"] = disk.devicePath.string();
  if (!disk.uri.empty()) env[p + "URI"] = disk.uri;
  if (!disk.name.empty()) env[p + "NAME"] = disk.name;
  env[p + "SIZE"] = std::to_string(disk.sizeMiB);
  if (auto it = hvparams.find("disk_type"); it != hvparams.end()) {
    env[p + "FRONTEND_TYPE"] = pythonStr(it->second);
  }
  if (const std::string backend = diskBackendType(disk); !backend.empty()) {
    env[p + "BACKEND_TYPE"] = backend;
  }
}

}  // namespace

std::string diskBackendType(const sdk::AttachedDisk& disk) {
  if (oneOf(disk.devType, kBlockTemplates)) return "block";
  if (oneOf(disk.devType, kFileTemplates)) {
    return "file:" + (disk.logicalId.empty() ? std::string("loop") : disk.logicalId[0]);
  }
  return "";
}

Environment coreEnvironment(const LoadedOs& os, std::string_view osName,
                            const sdk::ParamMap& osParams, int debugLevel) {
  Environment env;
  env["OS_API_VERSION"] = std::to_string(os.apiVersion);
  env["OS_NAME"] = os.definition.name;
  env["DEBUG_LEVEL"] = std::to_string(debugLevel);
  std::string variant;
  if (os.apiVersion >= kApiV15 && !os.definition.variants.empty()) {
    variant = splitOsName(osName).second;
    if (variant.empty()) variant = os.definition.variants.front();
  }
  env["OS_VARIANT"] = variant;
  // Ganeti passes the parameters whatever the API version; only API 20
  // lets an OS declare (and verify) them.
  for (const auto& [name, value] : osParams) env[osParamVariable(name)] = pythonStr(value);
  env["PATH"] = kScriptPath;
  return env;
}

Environment instanceEnvironment(const LoadedOs& os, const sdk::InstanceSpec& instance,
                                std::string_view osName, const sdk::ParamMap& osParams,
                                int debugLevel) {
  Environment env = coreEnvironment(os, osName, osParams, debugLevel);
  env["INSTANCE_NAME"] = instance.name;
  env["INSTANCE_OS"] = std::string(osName);
  env["INSTANCE_UUID"] = instance.uuid;
  env["INSTANCE_CTIME"] = pythonFloat(instance.ctime);
  env["INSTANCE_MTIME"] = pythonFloat(instance.mtime);
  // Ganeti's config keys nodes by UUID; a spec without UUIDs falls back to
  // the node's name.
  env["INSTANCE_PRIMARY_NODE"] =
      instance.primaryNodeUuid.empty() ? instance.primaryNode : instance.primaryNodeUuid;
  env["INSTANCE_SECONDARY_NODES"] = joined(instance.secondaryNodes);
  env["HYPERVISOR"] = instance.hypervisor;
  env["DISK_COUNT"] = std::to_string(instance.disks.size());
  env["NIC_COUNT"] = std::to_string(instance.nics.size());
  for (std::size_t i = 0; i < instance.disks.size(); ++i) {
    addDisk(env, i, instance.disks[i], instance.hvparams);
  }
  for (std::size_t i = 0; i < instance.nics.size(); ++i) {
    addNic(env, i, instance.nics[i], instance.hvparams);
  }
  for (const auto& [key, value] : instance.beparams) {
    env["INSTANCE_BE_" + key] = pythonStr(value);
  }
  for (const auto& [key, value] : instance.hvparams) {
    env["INSTANCE_HV_" + key] = pythonStr(value);
  }
  return env;
}

}  // namespace gantry::plugins::os_scripts
