// The cluster score (htools' Cluster/Metrics.hs and Utils/Statistics.hs).
// Floating-point order matters: ties between candidates are decided on
// exact equality, so every sum runs in htools' order.
#include "gantry/sdk/allocator/score.h"

#include <cmath>

namespace gantry::sdk::allocator {
namespace {

using Kind = Statistic::Kind;

constexpr std::array<ScoreComponentInfo, kScoreComponents> kComponents = {{
    {"free_mem_cv", 0.5},
    {"free_disk_cv", 0.5},
    {"n1_cnt", 1},
    {"reserved_mem_cv", 1},
    {"offline_all_cnt", 4},
    {"offline_pri_cnt", 16},
    {"vcpu_ratio_cv", 0.5},
    {"cpu_load_cv", 1},
    {"mem_load_cv", 1},
    {"disk_load_cv", 1},
    {"net_load_cv", 1},
    {"pri_tags_score", 2},
    {"spindles_cv", 0.5},
    {"free_mem_cv_forth", 0.5},
    {"free_disk_cv_forth", 0.5},
    {"vcpu_ratio_cv_forth", 0.5},
    {"spindles_cv_forth", 0.5},
    {"location_score", 1},
    {"location_exclusion_score", 1},
    {"reserved_mem_rtotal", 0.25},
}};

constexpr std::array<Kind, kScoreComponents> kKinds = {
    Kind::kStdDev, Kind::kStdDev, Kind::kSum,    Kind::kStdDev, Kind::kSum,
    Kind::kSum,    Kind::kStdDev, Kind::kStdDev, Kind::kStdDev, Kind::kStdDev,
    Kind::kStdDev, Kind::kSum,    Kind::kStdDev, Kind::kStdDev, Kind::kStdDev,
    Kind::kStdDev, Kind::kStdDev, Kind::kSum,    Kind::kMap,    Kind::kSum};

// Components 4 and 5 aggregate offline nodes, every other one online nodes.
constexpr bool forOnline(int c) { return c != 4 && c != 5; }

}  // namespace

NodeScoreRow nodeScoreRow(const Node& n) {
  const double ipri = static_cast<double>(n.pList.size());
  const double isec = static_cast<double>(n.sList.size());
  std::array<double, kScoreComponents> v{};
  v[0] = n.pMem;
  v[1] = n.pDsk;
  v[2] = n.failN1 ? isec + ipri : 0.0;
  v[3] = n.pRem;
  v[4] = ipri + isec;
  v[5] = ipri;
  v[6] = n.pCpu / n.tCpuSpeed;
  v[7] = n.utilLoad.cpu / n.utilPool.cpu;
  v[8] = n.utilLoad.mem / n.utilPool.mem;
  v[9] = n.utilLoad.dsk / n.utilPool.dsk;
  v[10] = n.utilLoad.net / n.utilPool.net;
  v[11] = n.conflictingPrimaries();
  v[12] = n.instSpindles / n.hiSpindles;
  v[13] = n.pMemForth;
  v[14] = n.pDskForth;
  v[15] = n.pCpuForth / n.tCpuSpeed;
  v[16] = n.instSpindlesForth / n.hiSpindles;
  v[17] = n.locationScore;
  v[18] = 0;
  v[19] = n.pRem;
  return v;
}

namespace {

void aggregate(Statistic& st, int c, const std::vector<const Node*>& nodes,
               const std::vector<std::array<double, kScoreComponents>>& values) {
  st.kind = kKinds[c];
  switch (st.kind) {
    case Kind::kSum: {
      double s = 0;
      for (const auto& v : values) s = s + v[c];
      st.sum = s;
      break;
    }
    case Kind::kStdDev: {
      double n = 0, s = 0;
      for (const auto& v : values) {
        n = n + 1;
        s = s + v[c];
      }
      const double mean = s / n;
      double nvar = 0;
      for (const auto& v : values) {
        const double d = v[c] - mean;
        nvar = nvar + d * d;
      }
      st.n = n;
      st.sum = s;
      st.var = nvar / n;
      break;
    }
    case Kind::kMap:
      st.map.clear();
      for (const Node* node : nodes) {
        for (const auto& [k, count] : node->instanceMap) st.map[k] += count;
      }
      break;
  }
}

}  // namespace

const std::array<ScoreComponentInfo, kScoreComponents>& scoreComponents() {
  return kComponents;
}

double Statistic::value() const {
  switch (kind) {
    case Kind::kSum:
      return sum;
    case Kind::kStdDev:
      return std::sqrt(var);
    case Kind::kMap: {
      long long total = 0;
      for (const auto& [k, v] : map) total += v;
      return static_cast<double>(total - static_cast<long long>(map.size()));
    }
  }
  return 0;
}

ClusterStatistics computeStatistics(const std::vector<const Node*>& nodes) {
  std::vector<const Node*> online, offline;
  for (const Node* n : nodes) (n->offline ? offline : online).push_back(n);
  std::vector<std::array<double, kScoreComponents>> onVals, offVals;
  onVals.reserve(online.size());
  for (const Node* n : online) onVals.push_back(nodeScoreRow(*n));
  for (const Node* n : offline) offVals.push_back(nodeScoreRow(*n));
  ClusterStatistics stats;
  for (int c = 0; c < kScoreComponents; ++c) {
    if (forOnline(c)) {
      aggregate(stats[c], c, online, onVals);
    } else {
      aggregate(stats[c], c, offline, offVals);
    }
  }
  return stats;
}

void updateStatistics(ClusterStatistics& stats, const Node& oldNode, const Node& newNode) {
  updateStatistics(stats, oldNode, nodeScoreRow(oldNode), newNode, nodeScoreRow(newNode));
}

void updateStatistics(ClusterStatistics& stats, const Node& oldNode, const NodeScoreRow& x,
                      const Node& newNode, const NodeScoreRow& y) {
  const bool online = !oldNode.offline;
  for (int c = 0; c < kScoreComponents; ++c) {
    if (forOnline(c) != online) continue;
    Statistic& st = stats[c];
    switch (st.kind) {
      case Kind::kSum:
        st.sum = st.sum + (y[c] - x[c]);
        break;
      case Kind::kStdDev: {
        const double ds = y[c] - x[c];
        const double dss = y[c] * y[c] - x[c] * x[c];
        const double dnnvar = (st.n * dss - 2 * st.sum * ds) - ds * ds;
        st.sum = st.sum + ds;
        st.var = std::max(0.0, st.var + dnnvar / (st.n * st.n));
        break;
      }
      case Kind::kMap:
        // unionWith (-) then unionWith (+): a key only in the old node's
        // map is added, not subtracted, and zero counts stay in the map.
        for (const auto& [k, v] : oldNode.instanceMap) {
          auto it = st.map.find(k);
          if (it == st.map.end()) {
            st.map.emplace(k, v);
          } else {
            it->second -= v;
          }
        }
        for (const auto& [k, v] : newNode.instanceMap) st.map[k] += v;
        break;
    }
  }
}

double scoreAfterUpdate(const ClusterStatistics& stats, const Node& oldNode,
                        const NodeScoreRow& x, const Node& newNode, const NodeScoreRow& y) {
  if (!oldNode.instanceMap.empty() || !newNode.instanceMap.empty()) {
    ClusterStatistics copy = stats;
    updateStatistics(copy, oldNode, x, newNode, y);
    return scoreFromStatistics(copy);
  }
  // updateStatistics and scoreFromStatistics fused, expression for
  // expression, so the result is the same double.
  const bool online = !oldNode.offline;
  double total = 0;
  for (int c = 0; c < kScoreComponents; ++c) {
    const Statistic& st = stats[c];
    double value;
    if (forOnline(c) != online) {
      value = st.value();
    } else {
      switch (st.kind) {
        case Kind::kSum:
          value = st.sum + (y[c] - x[c]);
          break;
        case Kind::kStdDev: {
          const double ds = y[c] - x[c];
          const double dss = y[c] * y[c] - x[c] * x[c];
          const double dnnvar = (st.n * dss - 2 * st.sum * ds) - ds * ds;
          value = std::sqrt(std::max(0.0, st.var + dnnvar / (st.n * st.n)));
          break;
        }
        default:  // no exclusion pairs on either node: the map is unchanged
          value = st.value();
          break;
      }
    }
    total = total + kComponents[c].weight * value;
  }
  return total;
}

std::array<double, kScoreComponents> componentValues(const ClusterStatistics& stats) {
  std::array<double, kScoreComponents> out{};
  for (int c = 0; c < kScoreComponents; ++c) out[c] = stats[c].value();
  return out;
}

double scoreFromStatistics(const ClusterStatistics& stats) {
  double total = 0;
  for (int c = 0; c < kScoreComponents; ++c) {
    total = total + kComponents[c].weight * stats[c].value();
  }
  return total;
}

ScoreTable::ScoreTable(const NodeList& nodes) {
  rows_.reserve(nodes.size());
  for (const auto& [i, n] : nodes) {
    position_.emplace(i, static_cast<int>(rows_.size()));
    rows_.push_back(nodeScoreRow(n));
    offline_.push_back(n.offline ? 1 : 0);
    nodePtrs_.push_back(&n);
    if (!n.offline) {
      for (const auto& [k, count] : n.instanceMap) exclusionUnion_[k] += count;
    }
  }
  Statistic st;
  st.kind = Kind::kMap;
  st.map = exclusionUnion_;
  baseMapValue_ = st.value();
}

double ScoreTable::score() const { return compute({}); }

double ScoreTable::scoreWith(int idx, const Node& replacement) const {
  auto it = position_.find(idx);
  if (it == position_.end()) return compute({});
  return compute({Replacement{it->second, nodeScoreRow(replacement), &replacement}});
}

double ScoreTable::scoreWithNodes(const std::vector<const Node*>& replacements) const {
  std::vector<Replacement> list;
  for (const Node* n : replacements) {
    auto it = position_.find(n->idx);
    if (it == position_.end()) continue;
    list.push_back(Replacement{it->second, nodeScoreRow(*n), n});
  }
  return compute(list);
}

// computeStatistics + scoreFromStatistics over the rows, some rows swapped.
// The sums for all components run side by side, each still left to right
// over the nodes, so every component gets exactly the additions (in the
// same order) that aggregate() performs.
double ScoreTable::compute(const std::vector<Replacement>& replacements) const {
  const int count = static_cast<int>(rows_.size());
  auto replacementAt = [&](int i) -> const Replacement* {
    const Replacement* found = nullptr;  // the last one wins, as in a map
    for (const auto& r : replacements) {
      if (r.position == i) found = &r;
    }
    return found;
  };
  auto rowAt = [&](int i) -> const NodeScoreRow& {
    const Replacement* r = replacementAt(i);
    return r ? r->row : rows_[i];
  };
  auto offlineAt = [&](int i) {
    const Replacement* r = replacementAt(i);
    return r ? r->node->offline : offline_[i] != 0;
  };

  double n = 0;
  NodeScoreRow sum{};
  double off4 = 0, off5 = 0;
  for (int i = 0; i < count; ++i) {
    const NodeScoreRow& v = rowAt(i);
    if (offlineAt(i)) {
      off4 = off4 + v[4];
      off5 = off5 + v[5];
      continue;
    }
    n = n + 1;
    for (int c = 0; c < kScoreComponents; ++c) sum[c] = sum[c] + v[c];
  }
  NodeScoreRow mean{};
  for (int c = 0; c < kScoreComponents; ++c) mean[c] = sum[c] / n;
  NodeScoreRow nvar{};
  for (int i = 0; i < count; ++i) {
    if (offlineAt(i)) continue;
    const NodeScoreRow& v = rowAt(i);
    for (int c = 0; c < kScoreComponents; ++c) {
      const double d = v[c] - mean[c];
      nvar[c] = nvar[c] + d * d;
    }
  }

  // Location exclusion: the union only changes when a map is involved.
  bool mapTouched = false;
  for (const auto& r : replacements) {
    mapTouched = mapTouched || !nodePtrs_[r.position]->instanceMap.empty() ||
                 !r.node->instanceMap.empty() || (offline_[r.position] != 0) != r.node->offline;
  }
  double mapValue = baseMapValue_;
  if (mapTouched) {
    Statistic st;
    st.kind = Kind::kMap;
    for (int i = 0; i < count; ++i) {
      if (offlineAt(i)) continue;
      const Replacement* r = replacementAt(i);
      const Node* node = r ? r->node : nodePtrs_[i];
      for (const auto& [k, c] : node->instanceMap) st.map[k] += c;
    }
    mapValue = st.value();
  }

  double total = 0;
  for (int c = 0; c < kScoreComponents; ++c) {
    double value = 0;
    if (!forOnline(c)) {
      value = c == 4 ? off4 : off5;
    } else if (kKinds[c] == Kind::kSum) {
      value = sum[c];
    } else if (kKinds[c] == Kind::kStdDev) {
      value = std::sqrt(nvar[c] / n);
    } else {
      value = mapValue;
    }
    total = total + kComponents[c].weight * value;
  }
  return total;
}

double clusterScore(const NodeList& nodes) { return clusterScoreWith(nodes, {}); }

double clusterScoreWith(const NodeList& nodes, const std::map<int, const Node*>& replaced) {
  std::vector<const Node*> list;
  list.reserve(nodes.size());
  for (const auto& [i, n] : nodes) {
    auto it = replaced.find(i);
    list.push_back(it == replaced.end() ? &n : it->second);
  }
  return scoreFromStatistics(computeStatistics(list));
}

}  // namespace gantry::sdk::allocator
