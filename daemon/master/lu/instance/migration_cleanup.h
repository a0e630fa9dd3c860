// Ganeti's migration cleanup (gnt-instance migrate --cleanup): after a
// migration that was interrupted anywhere (master, node daemon or
// hypervisor process gone), find where the instance really runs, make
// the config agree, and tell every other node to drop what the migration
// left there. Refuses to guess when it runs on two nodes or on none.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "daemon/master/lu/logical_unit.h"

namespace gantry::daemon::master {

/// Runs the cleanup of instance `instanceUuid`; ExecError when it cannot
/// decide.
void cleanupMigration(MasterServices& services, Feedback& feedback, const nlohmann::json& doc,
                      const std::string& instanceUuid);

}  // namespace gantry::daemon::master
