// The global N+1 capacity check of an allocation (htools' GlobalN1.hs):
// after placing the new instance, every node must be evacuable — DRBD
// primaries fail over, shared-storage ones move elsewhere in the group,
// local ones can be re-created elsewhere in the group.
#pragma once

#include "gantry/sdk/allocator/model.h"
#include "solution.h"

namespace gantry::plugins::hail {

/// Whether every node of `nl` could be evacuated (htools' redundant).
bool clusterRedundant(const alloc::NodeList& nl, const alloc::InstanceList& il);

/// The N+1 filter for one allocation candidate (its base node list and `il`).
bool allocGlobalN1(const alloc::InstanceList& il, const AllocElement& candidate);

}  // namespace gantry::plugins::hail
