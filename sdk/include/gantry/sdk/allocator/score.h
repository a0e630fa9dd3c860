// The cluster balance score of htools (Cluster/Metrics.hs): twenty weighted
// components over a node list, lower is better. Bit-exact: sums run left to
// right, standard deviations are population deviations over online nodes,
// and the incremental update used for pair allocations reproduces htools'
// rounding. Since ABI 1.0.
#pragma once

#include <array>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gantry/sdk/allocator/model.h"

namespace gantry::sdk::allocator {

inline constexpr int kScoreComponents = 20;

/// Name and weight of each component, in order ("free_mem_cv", 0.5), ...
struct ScoreComponentInfo {
  const char* name;
  double weight;
};
const std::array<ScoreComponentInfo, kScoreComponents>& scoreComponents();

using TagPairMap = std::map<std::pair<std::string, std::string>, int>;

/// One aggregated component: a sum, a population variance (n, sum, var),
/// or a map union (location exclusion).
struct Statistic {
  enum class Kind { kSum, kStdDev, kMap } kind = Kind::kSum;
  double n = 0;
  double sum = 0;
  double var = 0;
  TagPairMap map;

  double value() const;
};

using ClusterStatistics = std::array<Statistic, kScoreComponents>;

/// Aggregates the nodes (in the given order; offline nodes feed only the
/// offline components).
ClusterStatistics computeStatistics(const std::vector<const Node*>& nodes);
/// Replaces one node's contribution (old -> new), htools' incremental way.
void updateStatistics(ClusterStatistics& stats, const Node& oldNode,
                      const Node& newNode);
/// Σ weight × value, left to right.
double scoreFromStatistics(const ClusterStatistics& stats);
/// Each component's value (unweighted).
std::array<double, kScoreComponents> componentValues(const ClusterStatistics& stats);

/// Full recomputation over a node list in key order.
double clusterScore(const NodeList& nodes);
/// Full recomputation over a node list in key order with some nodes
/// replaced by other values (keyed by index), without copying the list.
double clusterScoreWith(const NodeList& nodes, const std::map<int, const Node*>& replaced);

}  // namespace gantry::sdk::allocator
