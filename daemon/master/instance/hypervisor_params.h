// The master's syntax check of hypervisor parameters (Ganeti's
// CheckParameterSyntax), through the hypervisor plugin the master loaded:
// an unknown parameter or an invalid value is refused when it is given
// (gnt-cluster modify -H, gnt-instance add -H, modify -H), naming the
// parameter, instead of when an instance next starts. What needs the
// node (files that must exist there) is checked by the node at start.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "daemon/master/master_services.h"

namespace gantry::daemon::master {

/// PrereqError (wrong_input) with the plugin's words when `filled`
/// (every parameter of `hypervisor`) does not pass its check. Without a
/// loaded plugin of that name nothing is checked here.
void requireValidHypervisorParams(const MasterServices& services, const std::string& hypervisor,
                                  const nlohmann::json& filled);

}  // namespace gantry::daemon::master
