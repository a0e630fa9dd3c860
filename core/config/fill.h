// Effective parameters from the stored custom values (Ganeti's Fill* in
// lib/objects.py). Objects store only what was customised; each function
// here starts from the built-in defaults (core/config/defaults.h), which
// Ganeti applies to the cluster object when it loads, then overlays the
// levels from lowest to highest priority, key by key:
//
//   hvparams    built-in[hv] -> cluster hvparams[hv] -> os_hvp[os][hv]
//               -> instance hvparams (os_hvp is looked up with the full OS
//               name, variant included, as Ganeti does)
//   beparams    built-in -> cluster beparams["default"] -> instance
//   nicparams   built-in -> cluster nicparams["default"] -> NIC
//   osparams    cluster osparams[os without variant] -> osparams[os]
//               -> instance
//   ndparams    built-in -> cluster -> group -> node
//   diskparams  built-in[dt] -> cluster diskparams[dt] -> group
//   ipolicy     built-in -> cluster (complete) -> group (partial): missing
//               keys copied, `std` merged key by key, `minmax` and
//               `disk-templates` replaced as a whole
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/config/objects.h"
#include "gantry/sdk/params.h"
#include "gantry/sdk/result.h"

namespace gantry::core::config {

/// Ganeti's FillDict: a copy of `defaults` with every key of `custom` set
/// over it; keys in `skipKeys` are removed from the result.
ParamDict fillDict(const ParamDict& defaults, const ParamDict& custom,
                   const std::vector<std::string>& skipKeys = {});

/// `memory` is the pre-2.6 name for maxmem and minmem together; returns a
/// copy with it replaced by both.
ParamDict upgradeBeParams(const ParamDict& beparams);

// ---- hypervisor parameters ----

/// Cluster-level defaults for one hypervisor and OS (GetHVDefaults).
/// `os` empty: no os_hvp level.
ParamDict hvDefaultsFor(const Cluster& cluster, const std::string& hypervisor,
                        const std::string& os,
                        const std::vector<std::string>& skipKeys = {});
/// SimpleFillHV. `skipGlobals` drops the cluster-only keys
/// (migration_port, ...) from the result, as Ganeti does when the result is
/// meant to be stored on an instance.
ParamDict fillHvParams(const Cluster& cluster, const std::string& hypervisor,
                       const std::string& os, const ParamDict& custom,
                       bool skipGlobals = false);
/// FillHV for an instance. Cluster-only keys stored on the instance are
/// ignored (Ganeti drops them when it loads an instance).
ParamDict fillInstanceHvParams(const Cluster& cluster,
                               const Instance& instance,
                               bool skipGlobals = false);

// ---- backend, NIC, OS parameters ----

ParamDict fillBeParams(const Cluster& cluster, const ParamDict& custom);
ParamDict fillInstanceBeParams(const Cluster& cluster,
                               const Instance& instance);

ParamDict fillNicParams(const Cluster& cluster, const ParamDict& custom);
/// A NIC connected to a network takes mode/link/vlan from its node group's
/// entry for that network (when the group is connected to it).
ParamDict fillNic(const Cluster& cluster, const NodeGroup* group,
                  const Nic& nic);

/// The OS name without its variant ("debootstrap+buster" -> "debootstrap").
std::string osNameWithoutVariant(const std::string& os);
/// Public OS parameters (SimpleFillOS without private/secret).
ParamDict fillOsParams(const Cluster& cluster, const std::string& os,
                       const ParamDict& custom);
/// Private OS parameters, from osparams_private_cluster.
ParamDict fillOsParamsPrivate(const Cluster& cluster, const std::string& os,
                              const ParamDict& custom);
/// Public, private and secret merged into one dictionary; refused with
/// kInvalid when a key would come from more than one of them.
sdk::Result<ParamDict> fillOsParamsAll(const Cluster& cluster,
                                       const std::string& os,
                                       const ParamDict& publicParams,
                                       const ParamDict& privateParams,
                                       const ParamDict& secretParams);

// ---- node parameters ----

ParamDict fillClusterNdParams(const Cluster& cluster);
ParamDict fillGroupNdParams(const Cluster& cluster, const NodeGroup& group);
ParamDict fillNodeNdParams(const Cluster& cluster, const NodeGroup& group,
                           const Node& node);

// ---- disk parameters ----

/// Every disk template's parameters at cluster level.
std::map<std::string, ParamDict> fillClusterDiskParams(const Cluster& cluster);
/// Every disk template's parameters for a group.
std::map<std::string, ParamDict> fillGroupDiskParams(const Cluster& cluster,
                                                     const NodeGroup& group);
/// One template's parameters; `group` may be null (cluster level).
ParamDict fillDiskParams(const Cluster& cluster, const NodeGroup* group,
                         const std::string& diskTemplate);

// ---- instance policy ----

/// Ganeti's FillIPolicy(defaults, custom).
nlohmann::json fillIPolicy(const nlohmann::json& defaults,
                           const nlohmann::json& custom);
/// The cluster's complete policy (built-in defaults under the stored one).
nlohmann::json fillClusterIPolicy(const Cluster& cluster);
/// A group's effective policy.
nlohmann::json fillGroupIPolicy(const Cluster& cluster,
                                const NodeGroup& group);

// ---- plugin boundary ----

/// Converts a flat parameter dictionary to the SDK's ParamMap. null becomes
/// unspecified; lists and objects (not used by flat families) are passed
/// as their JSON text.
sdk::ParamMap toParamMap(const ParamDict& params);

}  // namespace gantry::core::config
