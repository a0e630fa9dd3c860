// The IAllocator request the master sends (Ganeti's IAllocator
// _ComputeClusterData and the request builders of lib/masterd/iallocator.py):
// the cluster from config.data, each online vm-capable node's live
// resources from its node_info, and one request object.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/master/master_services.h"

namespace gantry::daemon::master {

/// Disk space an instance needs on a node (section 3's formula): the sum
/// of the sizes, plus 128 MiB of metadata per drbd disk; nothing for
/// diskless and blockdev.
std::int64_t diskSpaceTotal(const std::string& diskTemplate, const nlohmann::json& disks);

/// 2 for drbd, else 1.
int requiredNodes(const std::string& diskTemplate);

/// Everything but "request". `spaceTemplate` picks the storage whose free
/// space the nodes report (Ganeti: the request's template, else the
/// cluster's first enabled one).
nlohmann::json allocatorClusterData(MasterServices& services, const nlohmann::json& doc,
                                    const std::string& spaceTemplate);

/// An allocate request from OP_INSTANCE_CREATE-style parameters (name,
/// disk_template, disks, nics, beparams filled, os, tags, hypervisor).
nlohmann::json allocateRequest(const nlohmann::json& doc, const nlohmann::json& create);

/// A relocate request for an instance (relocate_from: the nodes to leave).
nlohmann::json relocateRequest(const nlohmann::json& doc, const std::string& instanceUuid,
                               const std::vector<std::string>& relocateFromNames);

/// A node-evacuate request.
nlohmann::json nodeEvacuateRequest(const std::vector<std::string>& instanceNames,
                                   const std::string& evacMode);

}  // namespace gantry::daemon::master
