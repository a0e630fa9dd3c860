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

std::array<double, kScoreComponents> nodeValues(const Node& n) {
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
  for (const Node* n : online) onVals.push_back(nodeValues(*n));
  for (const Node* n : offline) offVals.push_back(nodeValues(*n));
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
  const bool online = !oldNode.offline;
  const auto x = nodeValues(oldNode);
  const auto y = nodeValues(newNode);
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
