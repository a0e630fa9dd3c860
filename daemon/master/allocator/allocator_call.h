// Running the cluster's instance allocator from a logical unit: which one
// (the opcode's, "." or none meaning the cluster default), the input built
// from the config and the nodes, the answer checked, and Ganeti's errors.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "daemon/master/master_services.h"
#include "gantry/sdk/instance_allocator.h"

namespace gantry::daemon::master {

/// The allocator to use: `requested` unless empty or ".", else the
/// cluster's default_iallocator; nullopt when there is none.
std::optional<std::string> chooseAllocator(const nlohmann::json& doc,
                                           const std::optional<std::string>& requested);

/// Ganeti's CheckIAllocatorOrNode: PrereqError "Do not specify both,
/// iallocator and node" when both are given.
void requireAllocatorOrNode(const std::optional<std::string>& allocator,
                            const std::optional<std::string>& node);

/// The full input (cluster data + `request`) as the allocator receives it.
nlohmann::json allocatorInput(MasterServices& services, const nlohmann::json& doc,
                              const nlohmann::json& request);

/// The allocator's raw answer text for `input` (OP_TEST_ALLOCATOR "out").
/// ExecError "Failure while running the iallocator script: <why>" when it
/// cannot run or answers malformed.
std::string runAllocatorRaw(MasterServices& services, const nlohmann::json& doc,
                            const std::string& allocator, const nlohmann::json& input,
                            const sdk::AllocatorOptions& extraOptions = {});

/// Runs `allocator` on `request`; returns its `result`. A "success": false
/// answer is PrereqError "Can't compute nodes using iallocator '<name>':
/// <info>" (insufficient_resources). `extraOptions` go beside the
/// cluster's default_iallocator_params (e.g. "ignore-soft-errors").
nlohmann::json runAllocator(MasterServices& services, const nlohmann::json& doc,
                            const std::string& allocator, const nlohmann::json& request,
                            const sdk::AllocatorOptions& extraOptions = {});

/// runAllocator for allocate/relocate: the node names, checked to be
/// `count` known nodes ("iallocator returned invalid number of nodes (<n>),
/// required <m>").
std::vector<std::string> allocateNodes(MasterServices& services, const nlohmann::json& doc,
                                       const std::string& allocator,
                                       const nlohmann::json& request, std::size_t count);

}  // namespace gantry::daemon::master
