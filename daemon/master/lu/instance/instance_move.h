// What failover and migration share: which layouts may move, the target
// node checks, and the failover itself (migration falls back to it).
#pragma once

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "daemon/master/lu/instance/instance_helpers.h"

namespace gantry::daemon::master {

/// The instance's disk template ("diskless" without disks).
std::string diskTemplateOf(const nlohmann::json& doc, const nlohmann::json& instance);

/// Whether every node reaches the disks (Ganeti's DTS_EXT_MIRROR, as far
/// as the storage exists): sharedfile, diskless.
bool movableByTemplate(const std::string& diskTemplate);

struct MoveTarget {
  std::string uuid;
  std::string name;
  nlohmann::json node;
};

/// The target node of a failover or migration (`verb`: "failover",
/// "migrate"): given, or else chosen by the allocator (`iallocator`, else
/// the cluster's default; a relocate request away from the primary); not
/// the primary, online, not drained.
MoveTarget checkMoveTarget(MasterServices& services, Feedback& feedback, const nlohmann::json& doc,
                           const nlohmann::json& instance, std::optional<std::string> targetName,
                           const std::optional<std::string>& iallocator, const std::string& verb);

/// Points the instance at its new primary in the config.
void recordNewPrimary(MasterServices& services, Feedback& feedback, const nlohmann::json& doc,
                      const std::string& instanceUuid, const std::string& nodeUuid);

/// Ganeti's failover: stop on the source (a failure is a warning when
/// `ignoreFailure`), record the target, start there if the instance is up.
void failoverInstance(MasterServices& services, Feedback& feedback, const nlohmann::json& doc,
                      const std::string& instanceUuid, const MoveTarget& target,
                      bool ignoreFailure, std::chrono::seconds shutdownTimeout);

}  // namespace gantry::daemon::master
