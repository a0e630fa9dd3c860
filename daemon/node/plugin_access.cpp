#include "daemon/node/plugin_access.h"

#include "core/plugins/registry.h"
#include "core/rpc/small_file.h"

namespace gantry::daemon::node {
using nlohmann::json;
using sdk::Error;
using sdk::ErrorCode;

namespace {

// A file disk's path is written in the config under the cluster's file
// storage directory (ssconf); this node keeps file storage in a directory
// of its own (below its root on a virtual cluster), so the prefix is
// swapped for it.
void localizeDisk(const NodeContext& node, sdk::DiskSpec& disk) {
  struct Kind {
    const char* devType;
    const char* ssconfKey;
    std::filesystem::path local;
  };
  for (const Kind& kind : {Kind{"file", "ssconf_file_storage_dir", node.paths.fileStorageDir},
                           Kind{"sharedfile", "ssconf_shared_file_storage_dir",
                                node.paths.sharedFileStorageDir}}) {
    if (disk.devType != kind.devType || disk.logicalId.size() != 2) continue;
    auto clusterDir = core::rpc::readSmallFile(node.paths.dataDir / kind.ssconfKey, 4096);
    if (!clusterDir) continue;
    std::string prefix = core::rpc::trimRight(std::move(*clusterDir));
    if (prefix.empty()) continue;
    if (prefix.back() != '/') prefix += '/';
    const std::string& path = disk.logicalId[1];
    if (path.rfind(prefix, 0) == 0) {
      disk.logicalId[1] = (kind.local / path.substr(prefix.size())).string();
    }
  }
  for (auto& child : disk.children) localizeDisk(node, child);
}

}  // namespace

sdk::Result<sdk::Storage*> storageFor(NodeContext& node, const std::string& devType) {
  auto plugin = node.registry->get<sdk::Storage>(devType);
  if (!plugin) {
    return Error{ErrorCode::kNotFound,
                 "Storage plugin '" + devType + "' is not loaded on this node"};
  }
  return *plugin;
}

sdk::Result<sdk::Hypervisor*> hypervisorFor(NodeContext& node, const std::string& name) {
  auto plugin = node.registry->get<sdk::Hypervisor>(name);
  if (!plugin) {
    return Error{ErrorCode::kNotFound, "Hypervisor plugin '" + name + "' is not loaded on this node"};
  }
  return *plugin;
}

sdk::DiskSpec localDiskSpec(const NodeContext& node, const json& value) {
  sdk::DiskSpec disk = core::cluster::diskSpecFromJson(value);
  localizeDisk(node, disk);
  return disk;
}

json deviceJson(const sdk::DeviceInfo& device) {
  return {{"path", device.devicePath.string()}, {"uri", device.uri}};
}

}  // namespace gantry::daemon::node
