// New-instance placement (htools' Cluster.hs tryAlloc, tryMGAlloc,
// tryGroupAlloc, allocList; AllocateSecondary.hs).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "algorithm_options.h"
#include "gantry/sdk/allocator/model.h"
#include "gantry/sdk/allocator/score.h"
#include "gantry/sdk/result.h"
#include "global_n1.h"
#include "solution.h"

namespace gantry::plugins::hail {

/// Candidate nodes: single nodes, or (primary, [secondaries]) pairs.
using AllocNodes = std::variant<std::vector<int>, std::vector<std::pair<int, std::vector<int>>>>;

sdk::Result<AllocNodes> genAllocNodes(const AlgorithmOptions& opts, const alloc::NodeList& nl,
                                      int count);
/// The same over some of a list's nodes, in index order.
sdk::Result<AllocNodes> genAllocNodes(const AlgorithmOptions& opts,
                                      const std::vector<const alloc::Node*>& nodes, int count);

/// What every candidate evaluation over one scoring list shares: the list
/// itself, its statistics and score rows, and the incremental N+1 checker,
/// each built on first use (a multi-group allocation tries every group's
/// candidates against the same whole-cluster list).
class AllocContext {
 public:
  /// `il` must outlive the context unchanged; `nl` is copied.
  AllocContext(const alloc::NodeList& nl, const alloc::InstanceList& il);
  /// Over a shared list, which may also be a non-owning view of a list
  /// the caller keeps alive and unchanged while elements refer to it.
  AllocContext(std::shared_ptr<const alloc::NodeList> nl, const alloc::InstanceList& il);
  const std::shared_ptr<const alloc::NodeList>& base() const { return base_; }
  const alloc::InstanceList& instances() const { return il_; }
  const alloc::ClusterStatistics& statistics();
  const alloc::ScoreTable& scoreTable();
  GlobalN1Checker& n1();

 private:
  std::shared_ptr<const alloc::NodeList> base_;
  const alloc::InstanceList& il_;
  std::optional<alloc::ClusterStatistics> stats_;
  std::unique_ptr<alloc::ScoreTable> table_;
  std::unique_ptr<GlobalN1Checker> n1_;
};

/// Evaluates every candidate on the scoring list `nl`/`il` and picks the
/// best one passing the global N+1 check (unless disabled).
sdk::Result<AllocSolution> tryAlloc(const AlgorithmOptions& opts, const alloc::NodeList& nl,
                                    const alloc::InstanceList& il, const alloc::Instance& inst,
                                    const AllocNodes& candidates);
/// The same over a shared context.
sdk::Result<AllocSolution> tryAlloc(const AlgorithmOptions& opts, AllocContext& ctx,
                                    const alloc::Instance& inst, const AllocNodes& candidates);

struct GroupChoice {
  int group = 0;
  AllocSolution solution;
  std::vector<std::string> messages;
};

/// Tries every group owning nodes (restricted to `allowed` if given); the
/// best by (alloc policy, metric), ties to the highest group index. The
/// chosen element's base is `nl` itself, not a copy: it is valid while `nl`
/// lives unchanged (the same holds for tryMGAlloc).
sdk::Result<GroupChoice> findBestAllocGroup(const AlgorithmOptions& opts,
                                            const std::vector<alloc::Group>& groups,
                                            const alloc::NodeList& nl,
                                            const alloc::InstanceList& il,
                                            const std::optional<std::vector<int>>& allowed,
                                            const alloc::Instance& inst, int count);

/// Allocation without a group: "Selected group: g" plus every group's text.
sdk::Result<AllocSolution> tryMGAlloc(const AlgorithmOptions& opts,
                                      const std::vector<alloc::Group>& groups,
                                      const alloc::NodeList& nl, const alloc::InstanceList& il,
                                      const alloc::Instance& inst, int count);

/// Allocation into one named group (name or uuid).
sdk::Result<AllocSolution> tryGroupAlloc(const AlgorithmOptions& opts,
                                         const std::vector<alloc::Group>& groups,
                                         const alloc::NodeList& nl,
                                         const alloc::InstanceList& il,
                                         const std::string& groupName,
                                         const alloc::Instance& inst, int count);

/// "Group g (policy): text" lines for a group's outcome.
std::vector<std::string> solutionDescription(const alloc::Group& group,
                                             const sdk::Result<AllocSolution>& result);

/// Whether the group has every network the instance's NICs need.
bool hasRequiredNetworks(const alloc::Group& group, const alloc::Instance& inst);

/// Converts a plain instance to DRBD by choosing a secondary in its group.
sdk::Result<AllocSolution> tryAllocateSecondary(const AlgorithmOptions& opts,
                                                const alloc::NodeList& nl,
                                                const alloc::InstanceList& il, int idx);

}  // namespace gantry::plugins::hail
