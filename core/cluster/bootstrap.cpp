#include "core/cluster/bootstrap.h"

#include <algorithm>

#include "core/config/defaults.h"
#include "core/config/objects.h"
#include "core/rpc/secrets.h"

namespace gantry::core::cluster {
namespace {
using nlohmann::json;
using sdk::Error;
using sdk::ErrorCode;

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

bool lvmEnabled(const InitParams& p) {
  return contains(p.enabledDiskTemplates, "plain") || contains(p.enabledDiskTemplates, "drbd");
}

}  // namespace

std::string newUuid() {
  auto hex = rpc::randomToken(16);
  std::string h = hex ? *hex : std::string(32, '0');
  h[12] = '4';
  static const char kVariant[] = "89ab";
  h[16] = kVariant[std::stoi(h.substr(16, 1), nullptr, 16) & 3];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" +
         h.substr(16, 4) + "-" + h.substr(20, 12);
}

sdk::Result<void> checkInitParams(const InitParams& p) {
  if (p.enabledHypervisors.empty()) {
    return Error{ErrorCode::kInvalid, "No enabled hypervisors specified"};
  }
  std::vector<std::string> unknown;
  for (const auto& hv : p.enabledHypervisors) {
    if (!contains(config::hypervisorTypes(), hv)) unknown.push_back(hv);
  }
  if (!unknown.empty()) {
    return Error{ErrorCode::kInvalid, "Enabled hypervisors contains invalid entries: " +
                                          joined(unknown)};
  }
  for (const auto& t : p.enabledDiskTemplates) {
    if (!contains(config::diskTemplates(), t)) unknown.push_back(t);
  }
  if (!unknown.empty()) {
    return Error{ErrorCode::kInvalid, "Disk templates unknown: " + joined(unknown)};
  }
  if (p.enabledDiskTemplates.empty()) {
    return Error{ErrorCode::kInvalid, "No enabled disk templates specified"};
  }
  for (const auto& [hv, params] : p.hvparams) {
    if (!contains(config::hypervisorTypes(), hv)) {
      return Error{ErrorCode::kInvalid, "Invalid hypervisor: " + hv};
    }
    for (const auto& [key, value] : params.items()) {
      if (!config::hvDefaults(hv).contains(key)) {
        return Error{ErrorCode::kInvalid, "Unknown parameter '" + key + "' of hypervisor " + hv};
      }
    }
  }
  for (const auto& [key, value] : p.beparams.items()) {
    if (!config::beDefaults().contains(key)) {
      return Error{ErrorCode::kInvalid, "Unknown backend parameter '" + key + "'"};
    }
  }
  for (const auto& [key, value] : p.nicparams.items()) {
    if (!config::nicDefaults().contains(key)) {
      return Error{ErrorCode::kInvalid, "Unknown nic parameter '" + key + "'"};
    }
  }
  if (p.candidatePoolSize < 1) {
    return Error{ErrorCode::kInvalid, "Candidate pool size must be positive"};
  }
  return {};
}

json buildInitialConfig(const InitParams& p) {
  config::ConfigData data;
  data.version = config::kConfigVersion;
  data.serialNo = 1;
  data.ctime = data.mtime = p.now;

  config::NodeGroup group;
  group.uuid = newUuid();
  group.name = "default";
  group.serialNo = 1;
  group.ctime = group.mtime = p.now;

  config::Node node;
  node.uuid = newUuid();
  node.name = p.master.name;
  node.primaryIp = p.master.primaryIp;
  node.secondaryIp = p.master.secondaryIp.empty() ? p.master.primaryIp : p.master.secondaryIp;
  node.group = group.uuid;
  node.masterCandidate = true;
  node.serialNo = 1;
  node.ctime = node.mtime = p.now;

  config::Cluster& c = data.cluster;
  c.uuid = newUuid();
  c.clusterName = p.clusterName;
  c.masterNode = node.uuid;
  c.masterIp = p.masterIp;
  c.masterNetdev = p.masterNetdev;
  c.masterNetmask = p.masterNetmask;
  c.macPrefix = p.macPrefix;
  if (lvmEnabled(p)) c.volumeGroupName = p.vgName.empty() ? "xenvg" : p.vgName;
  if (contains(p.enabledDiskTemplates, "drbd")) c.drbdUsermodeHelper = p.drbdHelper;
  c.enabledHypervisors = p.enabledHypervisors;
  c.enabledDiskTemplates = p.enabledDiskTemplates;
  for (const auto& hv : config::hypervisorTypes()) {
    json params = config::hvDefaults(hv);
    if (auto custom = p.hvparams.find(hv); custom != p.hvparams.end()) {
      for (const auto& [key, value] : custom->second.items()) params[key] = value;
    }
    c.hvparams[hv] = params;
  }
  json be = config::beDefaults();
  for (const auto& [key, value] : p.beparams.items()) be[key] = value;
  c.beparams["default"] = be;
  json nic = config::nicDefaults();
  for (const auto& [key, value] : p.nicparams.items()) nic[key] = value;
  c.nicparams["default"] = nic;
  json nd = config::ndDefaults();
  for (const auto& [key, value] : p.ndparams.items()) nd[key] = value;
  c.ndparams = nd;
  for (const auto& t : config::diskTemplates()) c.diskparams[t] = config::diskDefaults(t);
  c.ipolicy = config::ipolicyDefaults();
  c.candidatePoolSize = p.candidatePoolSize;
  c.defaultIallocator = p.defaultIallocator;
  c.fileStorageDir = p.fileStorageDir.empty() ? "/srv/ganeti/file-storage" : p.fileStorageDir;
  c.sharedFileStorageDir = p.sharedFileStorageDir.empty() ? "/srv/ganeti/shared-file-storage"
                                                          : p.sharedFileStorageDir;
  c.glusterStorageDir = "/var/run/ganeti/gluster";
  c.compressionTools = config::defaultCompressionTools();
  for (const auto& name : config::dataCollectorNames()) {
    c.dataCollectors[name] = {{"active", true}, {"interval", 60000000}};
  }
  c.serialNo = 1;
  c.ctime = c.mtime = p.now;

  data.nodegroups[group.uuid] = group;
  data.nodes[node.uuid] = node;
  return data.toJson();
}

}  // namespace gantry::core::cluster
