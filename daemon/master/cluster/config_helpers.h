// Small reads and edits of the config document shared by the cluster and
// node logical units.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config/store_change.h"
#include "daemon/master/master_services.h"

namespace gantry::daemon::master {

/// The uuid of the node called `name` (exact, or the one node whose name
/// starts with "<name>."); throws PrereqError "Node name <n> not found".
std::string nodeUuidByName(const nlohmann::json& doc, const std::string& name);

/// Ops that bump the cluster object's serial_no and mtime (Ganeti bumps it
/// whenever node membership or ssconf-visible values change).
void bumpCluster(const nlohmann::json& doc, core::config::StoreChange& change, double now);

/// Ops that bump one node's serial_no and mtime after other puts on it.
void bumpNode(const nlohmann::json& doc, const std::string& uuid,
              core::config::StoreChange& change, double now);

/// Promotes eligible nodes (master_capable, online, not drained) until the
/// pool holds the desired number of candidates, leaving out `exceptions`;
/// `doc` is updated too. Returns the promoted names.
std::vector<std::string> maintainCandidatePool(nlohmann::json& doc,
                                               core::config::StoreChange& change, double now,
                                               const std::set<std::string>& exceptions = {});

/// A node's parameters as they apply to it: the cluster's, then its
/// group's, then its own (Ganeti's FillND).
nlohmann::json filledNdparams(const nlohmann::json& doc, const nlohmann::json& node);

double nowSeconds();

/// The master node's name (config.data keeps its uuid); the uuid if the
/// node has no name, "" before the cluster exists.
std::string masterNodeName(const MasterServices& services);

}  // namespace gantry::daemon::master
