// Keeping the cluster's copies in step after a config change: config.data
// to every online master candidate other than the master (upload_file),
// the ssconf values to every online node (write_ssconf_files) and to the
// master's own data dir. Candidates also get the secrets a master needs
// (cluster-curve.key, node-keys/*.json, 0600) so any of them can take over.
// Failures are warnings, never fatal, as in Ganeti.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config/store_change.h"
#include "daemon/master/lu/logical_unit.h"
#include "daemon/master/master_services.h"

namespace gantry::daemon::master {

/// Pushes the current config; returns the warnings (one per failed node).
std::vector<std::string> distributeConfig(MasterServices& services);

/// Commits `change`, then distributes, reporting failures as warnings.
std::int64_t commitAndDistribute(MasterServices& services,
                                 const core::config::StoreChange& change,
                                 Feedback& feedback);

}  // namespace gantry::daemon::master
