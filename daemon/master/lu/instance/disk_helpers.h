// The instance disk steps several logical units share: on which nodes a
// disk lives, activating all disks of an instance (Ganeti's
// AssembleInstanceDisks) and deactivating them (ShutdownInstanceDisks),
// with disks_active kept in the config.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/master/instance/instance_description.h"
#include "daemon/master/lu/logical_unit.h"

namespace gantry::daemon::master {

/// The config node objects that hold disk `index` of the instance: the
/// disk's own node list, or the primary for storage every node sees.
std::vector<nlohmann::json> diskNodes(const nlohmann::json& doc, const nlohmann::json& instance,
                                      std::size_t index);

/// The logical_id of a new file or sharedfile disk, Ganeti's layout:
/// [driver, <dir>/<instance name>/<disk uuid>.<template>.disk<index>],
/// <dir> being the cluster's directory for the template (plus `subdir`).
nlohmann::json fileDiskLogicalId(const nlohmann::json& cluster, const std::string& devType,
                                 const std::string& subdir, const std::string& instanceName,
                                 const std::string& driver, const std::string& diskUuid,
                                 std::size_t index);

/// Records disks_active, then assembles every disk on its nodes. Returns
/// [[node name, iv_name, device path on that node], ...]; ExecError
/// "Cannot activate block devices" (with each failure as a warning) when
/// one fails.
nlohmann::json activateDisks(MasterServices& services, Feedback& feedback,
                             const nlohmann::json& doc, const std::string& instanceUuid);

/// Records the disks inactive, then shuts every disk down on its nodes.
/// Failures are warnings unless `strict`, then ExecError.
void deactivateDisks(MasterServices& services, Feedback& feedback, const nlohmann::json& doc,
                     const std::string& instanceUuid, bool strict);

}  // namespace gantry::daemon::master
