// The global N+1 capacity check of an allocation (htools' GlobalN1.hs):
// after placing the new instance, every node must be evacuable — DRBD
// primaries fail over, shared-storage ones move elsewhere in the group,
// local ones can be re-created elsewhere in the group.
#pragma once

#include <memory>
#include <vector>

#include "gantry/sdk/allocator/model.h"
#include "solution.h"

namespace gantry::plugins::hail {

/// Whether every node of `nl` could be evacuated (htools' redundant).
bool clusterRedundant(const alloc::NodeList& nl, const alloc::InstanceList& il);

/// The N+1 filter for one allocation candidate (its base node list and `il`):
/// the reference simulation, every node re-simulated on a copy of the cluster.
bool allocGlobalN1(const alloc::InstanceList& il, const AllocElement& candidate);

/// The same answer as allocGlobalN1 for many candidates over one base
/// cluster, computed incrementally. Each node's evacuation is evaluated once
/// on the base cluster, keeping what it depended on: the failover targets
/// of its DRBD instances with the memory/disk slack their checks had, and
/// up to three "witness" nodes of its group able to take all of its local
/// instances at once (then the re-creation succeeds whatever the choice of
/// target at each step). A candidate only takes memory and disk from its one
/// or two nodes, so a node keeps its base answer unless it is one of them,
/// a check on them had less slack than the candidate takes, or all its
/// witnesses are among them; those few are re-evaluated. Nodes whose answer
/// depends on scored choices (shared-storage moves, re-creation without a
/// witness) are re-simulated exactly, and clusters outside the fast model
/// (forthcoming instances, exclusive storage, DRBD peers outside the list,
/// the group-allocation index clash) use allocGlobalN1 throughout.
class GlobalN1Checker {
 public:
  /// `nl` and `il` are the base of every candidate checked; both must
  /// outlive the checker unchanged.
  GlobalN1Checker(const alloc::NodeList& nl, const alloc::InstanceList& il);
  ~GlobalN1Checker();
  GlobalN1Checker(const GlobalN1Checker&) = delete;
  GlobalN1Checker& operator=(const GlobalN1Checker&) = delete;

  /// == allocGlobalN1(il, candidate) for a candidate over this base.
  bool check(const AllocElement& candidate);

  /// Whether the incremental model applies to this cluster at all.
  bool incremental() const;
  /// Candidates answered without the reference simulation so far.
  long fastAnswers() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gantry::plugins::hail
