// Value types that describe an instance to node-side plugins. The master
// fills them from the config with every parameter already inherited, so a
// plugin never reads the config itself.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gantry/sdk/params.h"

namespace gantry::sdk {

/// One NIC (Ganeti's NIC object with nicparams filled).
struct NicSpec {
  std::string uuid;
  std::string name;      // optional user-given name, may be empty
  std::string mac;       // "aa:00:00:12:34:56"
  std::string ip;        // may be empty
  std::string mode;      // "bridged", "routed", "openvswitch"
  std::string link;      // bridge name, routing table, ovs switch
  std::string vlan;      // "" or ".100", ":100", ...
  std::string network;   // network uuid or empty
  // The network the NIC is on (Ganeti's netinfo), empty when `network` is.
  // Added in ABI 2.0 (OS scripts' NIC_<i>_NETWORK_* variables).
  std::string networkName;
  std::vector<std::string> networkTags;
  std::string networkSubnet;     // "10.0.0.0/24"
  std::string networkGateway;
  std::string networkSubnet6;
  std::string networkGateway6;
  std::string networkMacPrefix;
};

/// A disk as the hypervisor sees it: a path or URI already assembled on
/// this node by a storage plugin.
struct AttachedDisk {
  std::string uuid;
  std::string name;
  int index = 0;
  std::filesystem::path devicePath;  // e.g. /dev/drbd0 or the file's path
  std::string uri;                   // userspace access, may be empty
  bool readOnly = false;
  std::int64_t sizeMiB = 0;
  // Added in ABI 2.0: the disk's template ("plain", "file", ...) and
  // Ganeti's logical_id as text (file-based disks: [driver, path]), for OS
  // scripts' DISK_<i>_BACKEND_TYPE.
  std::string devType;
  std::vector<std::string> logicalId;
};

struct InstanceSpec {
  std::string name;
  std::string uuid;
  std::string hypervisor;   // "fake", "kvm", ...
  std::string os;           // "debootstrap+default"
  std::string primaryNode;  // node name
  ParamMap hvparams;        // filled: cluster -> os_hvp -> instance
  ParamMap beparams;        // filled: cluster default -> instance
  std::vector<NicSpec> nics;
  std::vector<AttachedDisk> disks;
  std::vector<std::string> tags;
  /// Memory to give the instance now, MiB: max(minmem, min(maxmem, free)).
  std::int64_t startupMemoryMiB = 0;
  std::int64_t vcpus = 1;
  std::int64_t networkPort = 0;  // VNC/spice port reserved by the master
  // Added in ABI 2.0 (OS scripts' INSTANCE_* variables).
  std::string primaryNodeUuid;              // empty: primaryNode is used
  std::vector<std::string> secondaryNodes;  // node UUIDs
  double ctime = 0;                         // seconds since the epoch
  double mtime = 0;
};

}  // namespace gantry::sdk
