// Global N+1 check. The simulation stops at the first node that cannot be
// evacuated; callers only run it on candidates in score order until one
// passes, which keeps it off the hot path.
#include "global_n1.h"

#include <algorithm>

#include "allocate.h"
#include "evacuate.h"
#include "gantry/sdk/allocator/node_ops.h"
#include "gantry/sdk/allocator/score.h"

namespace gantry::plugins::hail {
namespace {

struct State {
  alloc::NodeList nl;
  alloc::InstanceList il;
};

// Re-creates a non-movable instance on the best of `targets` (htools'
// recreate: policy check and forced primary add, lowest full score).
bool recreate(State& st, const std::vector<int>& targets, const alloc::Instance& inst) {
  const alloc::Node* bestNode = nullptr;
  std::optional<alloc::Node> best;
  double bestScore = 0;
  // Candidates in reverse order with a stable "strictly better" choice
  // reproduce htools' sort: ties go to the later target.
  for (auto it = targets.rbegin(); it != targets.rend(); ++it) {
    const alloc::Node& p = st.nl.at(*it);
    if (!alloc::matchesPolicy(inst, p.ipolicy, p.exclStorage).ok()) continue;
    auto added = alloc::addPrimary(p, inst, true);
    if (!added.ok()) continue;
    const double score = alloc::clusterScoreWith(st.nl, {{*it, &added.value()}});
    if (!best || score < bestScore) {
      best = std::move(added.value());
      bestScore = score;
      bestNode = &p;
    }
  }
  if (!best) return false;
  const int newKey = static_cast<int>(st.il.size());
  alloc::Instance copy = inst;
  copy.pNode = bestNode->idx;
  copy.sNode = alloc::kNoNode;
  for (auto& i : best->pList) i = i < 0 ? newKey : i;
  for (auto& i : best->sList) i = i < 0 ? newKey : i;
  st.nl[best->idx] = std::move(*best);
  st.il[newKey] = std::move(copy);
  return true;
}

bool canEvacuateNode(const alloc::NodeList& nl, const alloc::InstanceList& il,
                     const alloc::Node& n) {
  std::vector<int> drbd, shared, local;
  for (int idx : n.pList) {
    const auto& inst = il.at(idx);
    if (inst.diskTemplate == alloc::DiskTemplate::kDrbd) {
      drbd.push_back(idx);
    } else if (alloc::templateMovable(inst.diskTemplate)) {
      shared.push_back(idx);
    } else {
      local.push_back(idx);
    }
  }
  State st{nl, il};
  for (int idx : drbd) {
    const alloc::Instance inst = st.il.at(idx);
    auto r = applyMove(true, st.nl, inst, Move{Move::Kind::kFailover});
    if (!r.ok()) return false;
    st.nl = std::move(r.value().nodes);
    st.il[idx] = std::move(r.value().instance);
  }
  std::vector<int> escape;
  for (const auto& [i, node] : st.nl) {
    if (node.group == n.group && i != n.idx) escape.push_back(i);
  }
  for (int idx : shared) {
    const alloc::Instance inst = st.il.at(idx);
    auto r = nodeEvacInstance(true, st.nl, st.il, alloc::EvacMode::kPrimaryOnly, inst, n.group,
                              escape);
    if (!r.ok()) return false;
    st.nl = std::move(r.value().nodes);
    st.il = std::move(r.value().instances);
  }
  std::vector<alloc::Instance> toRecreate;
  for (int idx : local) toRecreate.push_back(st.il.at(idx));
  std::stable_sort(toRecreate.begin(), toRecreate.end(),
                   [](const alloc::Instance& a, const alloc::Instance& b) { return a.mem > b.mem; });
  for (const auto& inst : toRecreate) {
    if (!recreate(st, escape, inst)) return false;
  }
  return true;
}

}  // namespace

bool clusterRedundant(const alloc::NodeList& nl, const alloc::InstanceList& il) {
  return std::all_of(nl.begin(), nl.end(),
                     [&](const auto& kv) { return canEvacuateNode(nl, il, kv.second); });
}

bool allocGlobalN1(const alloc::InstanceList& il, const AllocElement& candidate) {
  return clusterRedundant(withPlacement(il, candidate), withNewInstance(il, candidate));
}

}  // namespace gantry::plugins::hail
