// Global N+1 check. The simulation stops at the first node that cannot be
// evacuated; callers only run it on candidates in score order until one
// passes, which keeps it off the hot path.
#include "global_n1.h"

#include <algorithm>
#include <climits>

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

namespace {

// What htools' hard (forced) checks look at: unallocated memory and free
// disk. Every step of an evacuation changes them by plain additions.
struct Cap {
  long long mem;
  long long dsk;
};

Cap capOf(const alloc::Node& n) { return {n.unallocatedMem(), n.fDsk}; }

constexpr long long kNoLimit = LLONG_MAX;

// A failover target of the node's DRBD instances and how much memory and
// disk it could lose before one of the checks on it would fail.
struct Dep {
  int node;
  long long memSlack;
  long long dskSlack;
};

enum class Status { kTrue, kFalse, kVolatile };

struct Eval {
  Status status = Status::kTrue;
  std::vector<Dep> deps;
  std::vector<int> witnesses;  // up to three; empty when none is needed
  bool needsWitness = false;
};

constexpr std::size_t kWitnesses = 3;

// The cluster after a candidate without copying it: the base lists with
// the candidate's nodes and its new instance on top.
struct View {
  const alloc::NodeIndex* nl;
  const alloc::InstanceIndex* il;
  const alloc::Node* over[2] = {nullptr, nullptr};
  int overIdx[2] = {-2, -2};
  const alloc::Instance* extra = nullptr;
  int extraIdx = -2;

  const alloc::Node& node(int i) const {
    if (i == overIdx[0]) return *over[0];
    if (i == overIdx[1]) return *over[1];
    return nl->at(i);
  }
  const alloc::Instance& inst(int i) const {
    if (extra && (i < 0 || i == extraIdx)) return *extra;
    return il->at(i);
  }
};

// canEvacuateNode in the light model: exact for the DRBD failovers, and for
// the local re-creations exact whenever it answers kTrue (a witness takes
// them all) or kFalse (an instance fits nowhere even on its own).
Eval evaluate(const View& v, int n, const std::vector<int>& groupNodes) {
  Eval out;
  const alloc::Node& self = v.node(n);
  std::vector<const alloc::Instance*> drbd, local;
  for (int idx : self.pList) {
    const alloc::Instance& inst = v.inst(idx);
    if (inst.diskTemplate == alloc::DiskTemplate::kDrbd) {
      drbd.push_back(&inst);
    } else if (alloc::templateMovable(inst.diskTemplate)) {
      out.status = Status::kVolatile;  // scored moves: only the simulation knows
      return out;
    } else {
      local.push_back(&inst);
    }
  }
  std::vector<std::pair<int, Cap>> caps;
  auto capIndex = [&](int i) -> std::size_t {
    for (std::size_t k = 0; k < caps.size(); ++k) {
      if (caps[k].first == i) return k;
    }
    caps.emplace_back(i, capOf(v.node(i)));
    return caps.size() - 1;
  };
  auto fail = [&] {
    out.status = Status::kFalse;
    out.deps.clear();
    return out;
  };

  for (const alloc::Instance* inst : drbd) {
    const int x = inst->sNode;
    if (inst->pNode != n || x == n || x < 0 || !v.nl->find(x)) {
      out.status = Status::kVolatile;
      return out;
    }
    if (!alloc::checkMigration(self, v.node(x)).ok()) return fail();
    const long long mem = inst->usesMemory() ? inst->mem : 0;
    const long long dsk = inst->dsk;
    const std::size_t ni = capIndex(n);
    const std::size_t xi = capIndex(x);
    caps[ni].second.mem += mem;  // removePrimary
    caps[ni].second.dsk += dsk;
    caps[xi].second.dsk += dsk;  // removeSecondary
    caps[xi].second.mem -= mem;  // addPrimary on the secondary (forced)
    caps[xi].second.dsk -= dsk;
    const Cap cx = caps[xi].second;
    if (cx.mem <= 0 || cx.dsk <= 0) return fail();
    caps[ni].second.dsk -= dsk;  // addSecondary on the old primary (forced)
    if (!self.offline && caps[ni].second.dsk <= 0) return fail();
    auto dep = std::find_if(out.deps.begin(), out.deps.end(),
                            [&](const Dep& d) { return d.node == x; });
    if (dep == out.deps.end()) {
      out.deps.push_back({x, kNoLimit, kNoLimit});
      dep = out.deps.end() - 1;
    }
    dep->memSlack = std::min(dep->memSlack, cx.mem - 1);
    dep->dskSlack = std::min(dep->dskSlack, cx.dsk - 1);
  }
  if (local.empty()) return out;

  out.needsWitness = true;
  long long needMem = 0, needDsk = 0;
  bool anyDisk = false;
  for (const auto* inst : local) {
    if (inst->usesMemory()) needMem += inst->mem;
    if (alloc::usesLocalStorage(inst->diskTemplate)) {
      needDsk += inst->dsk;
      anyDisk = true;
    }
  }
  auto capAt = [&](int t) {
    for (const auto& [i, c] : caps) {
      if (i == t) return c;
    }
    return capOf(v.node(t));
  };
  auto policyOk = [&](const alloc::Instance& inst, const alloc::Node& t) {
    return alloc::matchesPolicy(inst, t.ipolicy, t.exclStorage).ok();
  };
  for (int t : groupNodes) {
    if (t == n) continue;
    const Cap c = capAt(t);
    if (c.mem - needMem <= 0 || (anyDisk && c.dsk - needDsk <= 0)) continue;
    const alloc::Node& target = v.node(t);
    if (!std::all_of(local.begin(), local.end(),
                     [&](const alloc::Instance* i) { return policyOk(*i, target); })) {
      continue;
    }
    out.witnesses.push_back(t);
    if (out.witnesses.size() == kWitnesses) break;
  }
  if (!out.witnesses.empty()) return out;

  // No single node takes them all: the outcome may depend on which node
  // each one goes to, unless one of them fits nowhere at all.
  for (const auto* inst : local) {
    const long long mem = inst->usesMemory() ? inst->mem : 0;
    const bool disk = alloc::usesLocalStorage(inst->diskTemplate);
    const bool fits = std::any_of(groupNodes.begin(), groupNodes.end(), [&](int t) {
      if (t == n) return false;
      const Cap c = capAt(t);
      return c.mem - mem > 0 && (!disk || c.dsk - inst->dsk > 0) && policyOk(*inst, v.node(t));
    });
    if (!fits) return fail();
  }
  out.status = Status::kVolatile;
  out.witnesses.clear();
  return out;
}

}  // namespace

struct GlobalN1Checker::Impl {
  const alloc::NodeList& nl;
  const alloc::InstanceList& il;
  const alloc::NodeIndex nodeAt{nl};
  const alloc::InstanceIndex instanceAt{il};
  bool eligible = true;
  std::map<int, std::vector<int>> groups;
  std::map<int, Eval> evals;
  std::vector<int> falseNodes, volatileNodes;
  std::map<int, std::vector<int>> revDeps, revWitness;
  long fast = 0;

  Impl(const alloc::NodeList& n, const alloc::InstanceList& i) : nl(n), il(i) {
    eligible = checkEligible();
    if (!eligible) return;
    for (const auto& [idx, node] : nl) groups[node.group].push_back(idx);
    const View base{&nodeAt, &instanceAt};
    for (const auto& [idx, node] : nl) {
      Eval e = evaluate(base, idx, groups[node.group]);
      if (e.status == Status::kFalse) falseNodes.push_back(idx);
      if (e.status == Status::kVolatile) volatileNodes.push_back(idx);
      if (e.status == Status::kTrue) {
        for (const Dep& d : e.deps) revDeps[d.node].push_back(idx);
        if (e.needsWitness && e.witnesses.size() < kWitnesses) {
          for (int w : e.witnesses) revWitness[w].push_back(idx);
        }
      }
      evals.emplace(idx, std::move(e));
    }
  }

  // The cases the light model leaves to the reference simulation.
  bool checkEligible() const {
    if (il.count(static_cast<int>(il.size()))) return false;  // the index clash
    for (const auto& [idx, inst] : il) {
      if (inst.forthcoming) return false;
    }
    for (const auto& [idx, node] : nl) {
      if (node.exclStorage) return false;
      for (int i : node.pList) {
        const alloc::Instance* inst = instanceAt.find(i);
        if (!inst || inst->pNode != idx) return false;
        if (inst->diskTemplate == alloc::DiskTemplate::kDrbd &&
            (inst->sNode == idx || !nodeAt.find(inst->sNode))) {
          return false;
        }
      }
    }
    return true;
  }

  bool check(const AllocElement& e) {
    if (!eligible || e.instance.idx >= 0 || e.instance.forthcoming || e.base.get() != &nl ||
        e.changed.empty() || e.changed.size() > 2) {
      return allocGlobalN1(il, e);
    }
    View v{&nodeAt, &instanceAt};
    Cap delta[2] = {{0, 0}, {0, 0}};
    for (std::size_t k = 0; k < e.changed.size(); ++k) {
      const alloc::Node& changed = e.changed[k];
      auto it = nl.find(changed.idx);
      if (it == nl.end() || changed.exclStorage) return allocGlobalN1(il, e);
      const Cap before = capOf(it->second), after = capOf(changed);
      delta[k] = {before.mem - after.mem, before.dsk - after.dsk};
      if (delta[k].mem < 0 || delta[k].dsk < 0) return allocGlobalN1(il, e);
      v.over[k] = &changed;
      v.overIdx[k] = changed.idx;
    }
    v.extra = &e.instance;
    v.extraIdx = static_cast<int>(il.size());
    auto changedAt = [&](int n) { return n == v.overIdx[0] || n == v.overIdx[1]; };
    ++fast;

    // A node failing on the base fails after the candidate too: the
    // candidate only takes resources away.
    for (int n : falseNodes) {
      if (!changedAt(n)) return false;
    }
    std::vector<int> exact;
    auto reevaluate = [&](int n) {
      const Eval r = evaluate(v, n, groups[nodeAt.at(n).group]);
      if (r.status == Status::kVolatile) exact.push_back(n);
      return r.status != Status::kFalse;
    };
    for (std::size_t k = 0; k < e.changed.size(); ++k) {
      if (!reevaluate(v.overIdx[k])) return false;
    }
    for (std::size_t k = 0; k < e.changed.size(); ++k) {
      const int x = v.overIdx[k];
      if (auto it = revDeps.find(x); it != revDeps.end()) {
        for (int n : it->second) {
          if (changedAt(n)) continue;
          const Eval& base = evals.at(n);
          const Dep& d = *std::find_if(base.deps.begin(), base.deps.end(),
                                       [&](const Dep& dep) { return dep.node == x; });
          if (delta[k].mem <= d.memSlack && delta[k].dsk <= d.dskSlack) continue;
          if (!reevaluate(n)) return false;
        }
      }
      if (auto it = revWitness.find(x); it != revWitness.end()) {
        for (int n : it->second) {
          if (changedAt(n)) continue;
          const Eval& base = evals.at(n);
          if (std::all_of(base.witnesses.begin(), base.witnesses.end(), changedAt) &&
              !reevaluate(n)) {
            return false;
          }
        }
      }
    }
    for (int n : volatileNodes) {
      if (!changedAt(n)) exact.push_back(n);
    }
    if (exact.empty()) return true;
    const alloc::NodeList placed = withPlacement(il, e);
    const alloc::InstanceList withNew = withNewInstance(il, e);
    return std::all_of(exact.begin(), exact.end(), [&](int n) {
      return canEvacuateNode(placed, withNew, placed.at(n));
    });
  }
};

GlobalN1Checker::GlobalN1Checker(const alloc::NodeList& nl, const alloc::InstanceList& il)
    : impl_(std::make_unique<Impl>(nl, il)) {}
GlobalN1Checker::~GlobalN1Checker() = default;
bool GlobalN1Checker::check(const AllocElement& candidate) { return impl_->check(candidate); }
bool GlobalN1Checker::incremental() const { return impl_->eligible; }
long GlobalN1Checker::fastAnswers() const { return impl_->fast; }

}  // namespace gantry::plugins::hail
