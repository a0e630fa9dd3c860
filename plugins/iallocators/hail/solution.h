// Allocation candidates and their bookkeeping (htools'
// Cluster/AllocationSolution.hs): successes, failure counts, the best
// element and the log lines that become the answer's info text.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gantry/sdk/allocator/model.h"

namespace gantry::plugins::hail {

namespace alloc = gantry::sdk::allocator;

/// A candidate's metric: the cluster score, or for dedicated clusters the
/// lost-allocations vector and free disk (compared lexicographically).
struct Metric {
  bool dedicated = false;
  double score = 0;
  std::vector<int> lost;
  long long disk = 0;

  /// htools' compare: NaN is never smaller.
  bool operator<(const Metric& o) const;
  std::string format() const;  // "%.8f" or "([l1,...],disk)"
};

/// One successful placement: the changed nodes over a base list.
struct AllocElement {
  std::shared_ptr<const alloc::NodeList> base;
  std::vector<alloc::Node> changed;  // the placement's nodes, in order p[, s]
  alloc::Instance instance;          // with its new nodes
  Metric metric;

  std::vector<int> nodeIndices() const;
  /// The whole node list after the placement.
  alloc::NodeList nodeList() const;
};

struct AllocSolution {
  std::vector<alloc::FailMode> failures;
  int allocs = 0;
  std::optional<AllocElement> solution;
  std::vector<std::string> log;

  /// Adds a candidate outcome (htools' concatAllocs: ties go to the later).
  void add(const AllocElement& e);
  void addFailure(alloc::FailMode f) { failures.push_back(f); }
  /// Folds another solution in (sumAllocs).
  void merge(AllocSolution other);
  /// "score: ..., successes n, failures m (...) for node(s) a/b" or the
  /// no-solution text.
  std::string describe(const alloc::NodeList& names) const;
};

/// Candidates collected before the N+1 filter (AllocSolutionCollection).
struct AllocCollection {
  std::vector<alloc::FailMode> failures;
  int allocs = 0;
  std::vector<AllocElement> solutions;  // evaluation order

  /// Sorts by metric (stable, later candidates first among equals), drops
  /// those failing `isGood` as FailN1 up to the first good one.
  AllocSolution toSolution(const std::function<bool(const AllocElement&)>& isGood) const;
};

/// "FailMem: 2, FailDisk: 1" for the non-zero counts, enum order.
std::string failureReasons(const std::vector<alloc::FailMode>& failures);

/// Instance list after adding a placed instance under key |il| (updateIl).
alloc::InstanceList withNewInstance(const alloc::InstanceList& il, const AllocElement& e);
/// Node list after a placement, the new instance's index −1 replaced by |il|
/// on the placement's nodes (extractNl).
alloc::NodeList withPlacement(const alloc::InstanceList& il, const AllocElement& e);

}  // namespace gantry::plugins::hail
