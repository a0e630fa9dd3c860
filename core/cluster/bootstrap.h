// The first config.data of a cluster, as `gnt-cluster init` writes it on
// the node that becomes master: the cluster object with Ganeti's defaults
// plus the operator's choices, the master node and the default node group.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/cluster/identity.h"
#include "gantry/sdk/result.h"

namespace gantry::core::cluster {

struct InitParams {
  std::string clusterName;
  std::string masterIp;  // the cluster name's address
  NodeIdentity master;   // name, primary and secondary IP of this node
  std::vector<std::string> enabledHypervisors = {"xen-pvm"};
  std::vector<std::string> enabledDiskTemplates = {"drbd", "plain"};
  std::string vgName;            // empty: "xenvg" when an LVM template is on
  std::string masterNetdev = "xen-br0";
  std::int64_t masterNetmask = 32;
  std::string macPrefix = "aa:00:00";
  std::string drbdHelper = "/bin/true";
  std::string fileStorageDir;        // empty: Ganeti's default path
  std::string sharedFileStorageDir;  // likewise
  std::int64_t candidatePoolSize = 10;
  std::string defaultIallocator;
  /// -H hv:k=v: custom values per hypervisor over the defaults.
  std::map<std::string, nlohmann::json> hvparams;
  nlohmann::json beparams = nlohmann::json::object();   // -B
  nlohmann::json nicparams = nlohmann::json::object();  // -N
  nlohmann::json ndparams = nlohmann::json::object();   // --node-parameters
  double now = 0;  // ctime/mtime of every object
};

/// A random RFC 4122 version-4 UUID ("2f1c...-....-4...-....-............").
std::string newUuid();

/// Checks the choices (unknown hypervisors/templates, LVM without a volume
/// group, ...) with Ganeti's messages; kInvalid.
sdk::Result<void> checkInitParams(const InitParams& params);

/// The whole config.data document (version 3010000, serial_no 1).
nlohmann::json buildInitialConfig(const InitParams& params);

}  // namespace gantry::core::cluster
