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

/// One node's per-component values (its row of the score table).
using NodeScoreRow = std::array<double, kScoreComponents>;
NodeScoreRow nodeScoreRow(const Node& node);

/// updateStatistics with the nodes' rows already computed (same arithmetic,
/// same result).
void updateStatistics(ClusterStatistics& stats, const Node& oldNode, const NodeScoreRow& oldRow,
                      const Node& newNode, const NodeScoreRow& newRow);

/// scoreFromStatistics of `stats` after updateStatistics(old -> new),
/// without changing `stats` (and without copying it when neither node has
/// location-exclusion pairs). Bit-identical to copy, update, score.
double scoreAfterUpdate(const ClusterStatistics& stats, const Node& oldNode,
                        const NodeScoreRow& oldRow, const Node& newNode,
                        const NodeScoreRow& newRow);

/// Full recomputations of one node list with one node replaced, for many
/// candidates: the other nodes' rows are computed once. scoreWith() is
/// bit-identical to clusterScoreWith(nodes, {{idx, &replacement}}) (same
/// sums in the same order) at a fraction of the cost. The node list must
/// outlive the table and stay unchanged.
class ScoreTable {
 public:
  explicit ScoreTable(const NodeList& nodes);
  double score() const;
  double scoreWith(int idx, const Node& replacement) const;
  /// Several nodes replaced (each by its idx); nodes that are not in the
  /// list are ignored, as in clusterScoreWith. Bit-identical to
  /// clusterScoreWith with the same replacements.
  double scoreWithNodes(const std::vector<const Node*>& replacements) const;

 private:
  struct Replacement {
    int position;
    NodeScoreRow row;
    const Node* node;
  };
  double compute(const std::vector<Replacement>& replacements) const;

  std::map<int, int> position_;       // node idx -> row
  std::vector<NodeScoreRow> rows_;    // in key order
  std::vector<char> offline_;
  std::vector<const Node*> nodePtrs_;
  TagPairMap exclusionUnion_;         // union of the online nodes' maps
  double baseMapValue_ = 0;
};

/// Full recomputation over a node list in key order.
double clusterScore(const NodeList& nodes);
/// Full recomputation over a node list in key order with some nodes
/// replaced by other values (keyed by index), without copying the list.
double clusterScoreWith(const NodeList& nodes, const std::map<int, const Node*>& replaced);

}  // namespace gantry::sdk::allocator
