// How the master describes an instance of config.data to its nodes: the
// instance with its parameters filled from the cluster defaults (Ganeti's
// FillHV/FillBE: cluster, then the OS's hypervisor parameters, then the
// instance's own), and its disks in index order, in the JSON forms of
// core/cluster/spec_json.h.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace gantry::daemon::master {

struct InstanceDescription {
  nlohmann::json instance;      // instance spec
  nlohmann::json disks;         // [disk spec, ...]
  nlohmann::json primaryNode;   // the primary's config node object
  std::string primaryNodeName;
};

/// The instance `uuid` of `doc`; throws std::out_of_range if it is not there.
InstanceDescription describeInstance(const nlohmann::json& doc, const std::string& uuid);

/// Ganeti's filled beparams and hvparams of an instance object.
nlohmann::json filledBeparams(const nlohmann::json& doc, const nlohmann::json& instance);
nlohmann::json filledHvparams(const nlohmann::json& doc, const nlohmann::json& instance);
/// Ganeti's SimpleFillOS: the cluster's parameters of the OS, then of its
/// variant, then the instance's own.
nlohmann::json filledOsparams(const nlohmann::json& doc, const nlohmann::json& instance);

/// The uuid of the instance called `name`, or "" if none.
std::string instanceUuidByName(const nlohmann::json& doc, const std::string& name);

}  // namespace gantry::daemon::master
