// Allocation on dedicated clusters (htools' Dedicated.hs): when every
// node of the target groups uses exclusive storage, candidates are ranked
// by how many minimal policy-compliant instances they would no longer fit.
#pragma once

#include <optional>
#include <string>

#include "algorithm_options.h"
#include "gantry/sdk/allocator/model.h"
#include "gantry/sdk/result.h"
#include "solution.h"

namespace gantry::plugins::hail {

/// Whether an allocation into `groupName` (any allocable group when unset)
/// is a dedicated one.
bool isDedicated(const alloc::ClusterData& cd, const std::optional<std::string>& groupName);

/// One group's dedicated allocation; the log holds its "Group ..." lines.
sdk::Result<AllocSolution> dedicatedGroupAlloc(const AlgorithmOptions& opts,
                                               const std::vector<alloc::Group>& groups,
                                               const alloc::NodeList& nl, int gdx,
                                               const alloc::Instance& inst, int count);

/// Multi-group dedicated allocation ("Selected group: ..." first).
sdk::Result<AllocSolution> dedicatedMGAlloc(const AlgorithmOptions& opts,
                                            const std::vector<alloc::Group>& groups,
                                            const alloc::NodeList& nl,
                                            const alloc::Instance& inst, int count);

}  // namespace gantry::plugins::hail
