// New-instance placement.
#include "allocate.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>

#include "gantry/sdk/allocator/node_ops.h"
#include "gantry/sdk/allocator/score.h"
#include "global_n1.h"
#include "haskell_show.h"

namespace gantry::plugins::hail {
namespace {

sdk::Error failure(std::string msg) { return sdk::Error{sdk::ErrorCode::kNoResources, std::move(msg)}; }

std::string joinComma(const std::vector<std::string>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += ", ";
    out += v[i];
  }
  return out;
}

alloc::OpResult<AllocElement> allocateOnSingle(const AlgorithmOptions& opts,
                                               const std::shared_ptr<const alloc::NodeList>& nl,
                                               const alloc::ScoreTable& table,
                                               const alloc::Instance& inst, int pdx) {
  const alloc::Node& p = nl->at(pdx);
  auto pol = alloc::matchesPolicy(inst, p.ipolicy, p.exclStorage);
  if (!pol.ok()) return pol.failure();
  auto newP = alloc::addPrimary(p, inst, opts.ignoreSoftErrors);
  if (!newP.ok()) return newP.failure();
  AllocElement e;
  e.base = nl;
  e.instance = inst;
  e.instance.pNode = pdx;
  e.instance.sNode = alloc::kNoNode;
  e.metric.score = table.scoreWith(pdx, newP.value());
  e.changed.push_back(std::move(newP.value()));
  return e;
}

alloc::OpResult<AllocElement> allocateOnPair(const AlgorithmOptions& opts,
                                             const alloc::ClusterStatistics& stats,
                                             const std::shared_ptr<const alloc::NodeList>& nl,
                                             const alloc::Instance& inst, int pdx, int sdx) {
  const alloc::Node& p = nl->at(pdx);
  const alloc::Node& s = nl->at(sdx);
  auto pol = alloc::matchesPolicy(inst, p.ipolicy, p.exclStorage);
  if (!pol.ok()) return pol.failure();
  alloc::Instance newInst = inst;
  newInst.locationScore = alloc::instanceLocationScore(p, &s);
  newInst.pNode = pdx;
  newInst.sNode = sdx;
  auto newP = alloc::addPrimary(p, newInst, opts.ignoreSoftErrors);
  if (!newP.ok()) return newP.failure();
  auto newS = alloc::addSecondary(s, newInst, pdx);
  if (!newS.ok()) return newS.failure();
  alloc::ClusterStatistics st = stats;
  alloc::updateStatistics(st, p, newP.value());
  alloc::updateStatistics(st, s, newS.value());
  AllocElement e;
  e.base = nl;
  e.instance = std::move(newInst);
  e.metric.score = alloc::scoreFromStatistics(st);
  e.changed.push_back(std::move(newP.value()));
  e.changed.push_back(std::move(newS.value()));
  return e;
}

template <typename Fn>
void collect(AllocCollection& c, Fn&& attempt) {
  auto r = attempt();
  if (r.ok()) {
    ++c.allocs;
    c.solutions.push_back(std::move(r.value()));
  } else {
    c.failures.push_back(r.failure());
  }
}

}  // namespace

sdk::Result<AllocNodes> genAllocNodes(const AlgorithmOptions& opts, const alloc::NodeList& nl,
                                      int count) {
  std::vector<const alloc::Node*> nodes;
  for (const auto& [i, n] : nl) nodes.push_back(&n);
  return genAllocNodes(opts, nodes, count);
}

sdk::Result<AllocNodes> genAllocNodes(const AlgorithmOptions& opts,
                                      const std::vector<const alloc::Node*>& nodes, int count) {
  std::vector<const alloc::Node*> all;
  for (const alloc::Node* n : nodes) {
    if (n->offline) continue;
    if (opts.restrictToNodes &&
        std::find(opts.restrictToNodes->begin(), opts.restrictToNodes->end(), n->name) ==
            opts.restrictToNodes->end()) {
      continue;
    }
    all.push_back(n);
  }
  if (count == 1) {
    std::vector<int> out;
    for (const auto* n : all) out.push_back(n->idx);
    return AllocNodes{out};
  }
  if (count == 2) {
    std::vector<std::pair<int, std::vector<int>>> pairs;
    for (const auto* p : all) {
      std::vector<int> ss;
      for (const auto* s : all) {
        if (s->idx != p->idx && s->group == p->group) ss.push_back(s->idx);
      }
      if (!ss.empty()) pairs.emplace_back(p->idx, std::move(ss));
    }
    return AllocNodes{pairs};
  }
  return failure("Unsupported number of nodes, only one or two  supported");
}

AllocContext::AllocContext(const alloc::NodeList& nl, const alloc::InstanceList& il)
    : AllocContext(std::make_shared<const alloc::NodeList>(nl), il) {}

AllocContext::AllocContext(std::shared_ptr<const alloc::NodeList> nl,
                           const alloc::InstanceList& il)
    : base_(std::move(nl)), il_(il) {}

const alloc::ClusterStatistics& AllocContext::statistics() {
  if (!stats_) {
    std::vector<const alloc::Node*> all;
    for (const auto& [i, n] : *base_) all.push_back(&n);
    stats_ = alloc::computeStatistics(all);
  }
  return *stats_;
}

const alloc::ScoreTable& AllocContext::scoreTable() {
  if (!table_) table_ = std::make_unique<alloc::ScoreTable>(*base_);
  return *table_;
}

GlobalN1Checker& AllocContext::n1() {
  if (!n1_) n1_ = std::make_unique<GlobalN1Checker>(*base_, il_);
  return *n1_;
}

sdk::Result<AllocSolution> tryAlloc(const AlgorithmOptions& opts, const alloc::NodeList& nl,
                                    const alloc::InstanceList& il, const alloc::Instance& inst,
                                    const AllocNodes& candidates) {
  AllocContext ctx(nl, il);
  return tryAlloc(opts, ctx, inst, candidates);
}

namespace {

// A successful pair candidate before it is needed as a whole element.
struct PairCandidate {
  int sdx;
  double score;
};

// Pair candidates of one primary, evaluated without building every
// candidate's nodes: the primary's addition is the same for all its
// secondaries (up to the location score), and a secondary's addition is the
// same for every primary it has no instance with yet. Scores use the same
// incremental arithmetic as allocateOnPair, so they are the same doubles;
// the candidates walked by the N+1 filter are then built by allocateOnPair.
class PairEvaluator {
 public:
  PairEvaluator(const AlgorithmOptions& opts, AllocContext& ctx, const alloc::Instance& inst)
      : opts_(opts), ctx_(ctx), nl_(*ctx.base()), inst_(inst) {}

  AllocSolution evaluatePrimary(int pdx, const std::vector<int>& secondaries,
                                const std::function<bool(const AllocElement&)>& isGood) {
    const alloc::Node& p = nl_.at(pdx);
    std::vector<alloc::FailMode> failures;
    std::vector<PairCandidate> successes;
    auto pol = alloc::matchesPolicy(inst_, p.ipolicy, p.exclStorage);
    std::map<int, PrimaryProbe> primaries;  // by location score
    for (int sdx : secondaries) {
      if (!pol.ok()) {
        failures.push_back(pol.failure());
        continue;
      }
      const alloc::Node& s = nl_.at(sdx);
      const int location = alloc::instanceLocationScore(p, &s);
      auto pit = primaries.find(location);
      if (pit == primaries.end()) pit = primaries.emplace(location, probePrimary(p, location)).first;
      const PrimaryProbe& pp = pit->second;
      if (pp.failure) {
        failures.push_back(*pp.failure);
        continue;
      }
      const SecondaryProbe& sp = probeSecondary(s, pdx);
      if (sp.failure) {
        failures.push_back(*sp.failure);
        continue;
      }
      // A secondary's addition leaves its location-exclusion map and
      // offline flag as they were, the only node parts the score reads
      // besides the rows: `s` stands for the new node.
      successes.push_back({sdx, alloc::scoreAfterUpdate(*pp.stats, s, rowOf(s), s, sp.row)});
    }

    // AllocCollection::toSolution on the light candidates.
    std::vector<const PairCandidate*> sorted;
    for (auto it = successes.rbegin(); it != successes.rend(); ++it) sorted.push_back(&*it);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const PairCandidate* a, const PairCandidate* b) {
                       return a->score < b->score;
                     });
    AllocSolution out;
    int dropped = 0;
    const auto base = ctx_.base();
    for (const PairCandidate* c : sorted) {
      auto element = allocateOnPair(opts_, ctx_.statistics(), base, inst_, pdx, c->sdx);
      if (!element.ok()) {  // cannot happen: the same checks passed above
        ++dropped;
        continue;
      }
      if (isGood(element.value())) {
        out.solution = std::move(element.value());
        break;
      }
      ++dropped;
    }
    out.allocs = static_cast<int>(successes.size()) - dropped;
    out.failures.assign(dropped, alloc::FailMode::kN1);
    out.failures.insert(out.failures.end(), failures.begin(), failures.end());
    return out;
  }

 private:
  struct PrimaryProbe {
    std::optional<alloc::FailMode> failure;
    std::optional<alloc::ClusterStatistics> stats;  // after the primary's addition
  };
  struct SecondaryProbe {
    std::optional<alloc::FailMode> failure;
    alloc::NodeScoreRow row{};  // of the node after the addition
  };

  // The instance placed on a pair; one copy of it is reused for every probe.
  const alloc::Instance& placed(int pdx, int sdx, int location) {
    placed_.locationScore = location;
    placed_.pNode = pdx;
    placed_.sNode = sdx;
    return placed_;
  }

  PrimaryProbe probePrimary(const alloc::Node& p, int location) {
    PrimaryProbe out;
    if (auto failure = alloc::addPrimaryInto(scratch_, p, placed(p.idx, alloc::kNoNode, location),
                                             opts_.ignoreSoftErrors)) {
      out.failure = failure;
      return out;
    }
    out.stats = ctx_.statistics();
    alloc::updateStatistics(*out.stats, p, rowOf(p), scratch_, alloc::nodeScoreRow(scratch_));
    return out;
  }

  // The secondary's addition does not depend on the primary unless the
  // secondary already holds an instance of it (its peers entry): only then
  // is it recomputed for this pair.
  const SecondaryProbe& probeSecondary(const alloc::Node& s, int pdx) {
    if (s.peers.count(pdx)) {
      SecondaryProbe& sp = exactSecondaries_[s.idx];
      fill(sp, s, pdx);
      return sp;
    }
    auto it = secondaries_.find(s.idx);
    if (it == secondaries_.end()) {
      it = secondaries_.emplace(s.idx, SecondaryProbe{}).first;
      fill(it->second, s, pdx);
    }
    return it->second;
  }

  void fill(SecondaryProbe& sp, const alloc::Node& s, int pdx) {
    sp.failure = alloc::addSecondaryInto(scratch_, s, placed(pdx, s.idx, 0), pdx);
    if (!sp.failure) sp.row = alloc::nodeScoreRow(scratch_);
  }

  const alloc::NodeScoreRow& rowOf(const alloc::Node& n) {
    auto it = rows_.find(n.idx);
    if (it == rows_.end()) it = rows_.emplace(n.idx, alloc::nodeScoreRow(n)).first;
    return it->second;
  }

  const AlgorithmOptions& opts_;
  AllocContext& ctx_;
  const alloc::NodeList& nl_;
  const alloc::Instance& inst_;
  alloc::Instance placed_{inst_};
  alloc::Node scratch_;  // a probe's new node, its storage reused
  std::map<int, SecondaryProbe> secondaries_, exactSecondaries_;
  std::map<int, alloc::NodeScoreRow> rows_;
};

}  // namespace

sdk::Result<AllocSolution> tryAlloc(const AlgorithmOptions& opts, AllocContext& ctx,
                                    const alloc::Instance& inst, const AllocNodes& candidates) {
  const alloc::NodeList& nl = *ctx.base();
  std::function<bool(const AllocElement&)> isGood = [&](const AllocElement& e) {
    return !opts.capacityChecks || ctx.n1().check(e);
  };
  AllocSolution result;
  if (const auto* singles = std::get_if<std::vector<int>>(&candidates)) {
    if (singles->empty()) return failure("No online nodes");
    AllocCollection c;
    const alloc::ScoreTable& table = ctx.scoreTable();
    for (int pdx : *singles) {
      collect(c, [&] { return allocateOnSingle(opts, ctx.base(), table, inst, pdx); });
    }
    result = c.toSolution(isGood);
  } else {
    const auto& pairs = std::get<1>(candidates);
    if (pairs.empty()) return failure("Not enough online nodes");
    PairEvaluator evaluator(opts, ctx, inst);
    for (const auto& [pdx, ss] : pairs) result.merge(evaluator.evaluatePrimary(pdx, ss, isGood));
  }
  result.log.insert(result.log.begin(), result.describe(nl));
  return result;
}

std::vector<std::string> solutionDescription(const alloc::Group& group,
                                             const sdk::Result<AllocSolution>& result) {
  std::vector<std::string> out;
  if (!result.ok()) {
    out.push_back("Group " + group.name + ": error " + result.error().message);
    return out;
  }
  for (const auto& line : result.value().log) {
    out.push_back("Group " + group.name + " (" + alloc::allocPolicyName(group.allocPolicy) +
                  "): " + line);
  }
  return out;
}

bool hasRequiredNetworks(const alloc::Group& group, const alloc::Instance& inst) {
  for (const auto& nic : inst.nics) {
    if (nic.network && std::find(group.networks.begin(), group.networks.end(),
                                 *nic.network) == group.networks.end()) {
      return false;
    }
  }
  return true;
}

sdk::Result<GroupChoice> findBestAllocGroup(const AlgorithmOptions& opts,
                                            const std::vector<alloc::Group>& groups,
                                            const alloc::NodeList& nl,
                                            const alloc::InstanceList& il,
                                            const std::optional<std::vector<int>>& allowed,
                                            const alloc::Instance& inst, int count) {
  std::vector<std::string> filterMsgs, solMsgs;
  std::vector<std::pair<int, sdk::Result<AllocSolution>>> sols;
  bool anyGroup = false;
  // Every group's candidates are scored and N+1-checked on the whole list,
  // the caller's own: copying thousands of nodes took longer than scoring.
  const std::shared_ptr<const alloc::NodeList> view(std::shared_ptr<const void>(), &nl);
  AllocContext ctx(view, il);
  for (const auto& [gdx, nodeIdx] : alloc::nodesByGroup(nl)) {
    if (allowed && std::find(allowed->begin(), allowed->end(), gdx) == allowed->end()) continue;
    anyGroup = true;
    const alloc::Group& g = groups.at(gdx);
    if (!hasRequiredNetworks(g, inst)) {
      filterMsgs.push_back("group " + g.name +
                           " is not connected to a network required by instance " + inst.name);
      continue;
    }
    std::vector<const alloc::Node*> groupNodes;
    for (int i : nodeIdx) groupNodes.push_back(&nl.at(i));
    auto cands = genAllocNodes(opts, groupNodes, count);
    sdk::Result<AllocSolution> sol =
        cands.ok() ? tryAlloc(opts, ctx, inst, cands.value())
                   : sdk::Result<AllocSolution>(cands.error());
    for (auto& m : solutionDescription(g, sol)) solMsgs.push_back(std::move(m));
    sols.emplace_back(gdx, std::move(sol));
  }
  std::vector<std::string> all = filterMsgs;
  all.insert(all.end(), solMsgs.begin(), solMsgs.end());

  // Good solutions, last group first (htools builds the list by prepending),
  // then a stable sort by (policy, metric).
  std::vector<std::pair<int, const AllocSolution*>> good;
  for (auto it = sols.rbegin(); it != sols.rend(); ++it) {
    if (!it->second.ok() || !it->second.value().solution) continue;
    if (groups.at(it->first).allocPolicy == alloc::AllocPolicy::kUnallocable) continue;
    good.emplace_back(it->first, &it->second.value());
  }
  std::stable_sort(good.begin(), good.end(), [&](const auto& a, const auto& b) {
    auto pa = groups.at(a.first).allocPolicy, pb = groups.at(b.first).allocPolicy;
    if (pa != pb) return pa < pb;
    return a.second->solution->metric < b.second->solution->metric;
  });
  if (good.empty()) {
    if (!anyGroup) {
      std::string allowedText = "Nothing";
      if (allowed) {
        allowedText = "Just [";
        for (std::size_t i = 0; i < allowed->size(); ++i) {
          allowedText += (i ? "," : "") + std::to_string((*allowed)[i]);
        }
        allowedText += "]";
      }
      // htools shows the Group records themselves, of the groups with nodes.
      std::string allGroups;
      for (const auto& [gdx, nodeIdx] : alloc::nodesByGroup(nl)) {
        allGroups += (allGroups.empty() ? "" : ",") + haskellShowGroup(groups.at(gdx));
      }
      return failure("no groups for evacuation: allowed groups was " + allowedText +
                     ", all groups: [" + allGroups + "]");
    }
    return failure(joinComma(all));
  }
  return GroupChoice{good.front().first, *good.front().second, all};
}

sdk::Result<AllocSolution> tryMGAlloc(const AlgorithmOptions& opts,
                                      const std::vector<alloc::Group>& groups,
                                      const alloc::NodeList& nl, const alloc::InstanceList& il,
                                      const alloc::Instance& inst, int count) {
  auto choice = findBestAllocGroup(opts, groups, nl, il, std::nullopt, inst, count);
  if (!choice.ok()) return choice.error();
  AllocSolution sol = std::move(choice.value().solution);
  sol.log = {"Selected group: " + groups.at(choice.value().group).name};
  sol.log.insert(sol.log.end(), choice.value().messages.begin(), choice.value().messages.end());
  return sol;
}

sdk::Result<AllocSolution> tryGroupAlloc(const AlgorithmOptions& opts,
                                         const std::vector<alloc::Group>& groups,
                                         const alloc::NodeList& nl,
                                         const alloc::InstanceList& il,
                                         const std::string& groupName,
                                         const alloc::Instance& inst, int count) {
  std::string err;
  const alloc::Group* g = alloc::findGroupByName(groups, groupName, &err);
  if (!g) return failure(err);
  alloc::NodeList groupNodes;
  for (const auto& [i, n] : nl) {
    if (n.group == g->idx) groupNodes.emplace(i, n);
  }
  alloc::InstanceList groupInsts;
  for (const auto& [i, inst2] : il) {
    if (groupNodes.count(inst2.pNode)) groupInsts.emplace(i, inst2);
  }
  if (!hasRequiredNetworks(*g, inst)) {
    return failure("The group " + g->name +
                   " is not connected to a network required by instance " + inst.name);
  }
  auto cands = genAllocNodes(opts, groupNodes, count);
  if (!cands.ok()) return cands.error();
  auto sol = tryAlloc(opts, groupNodes, groupInsts, inst, cands.value());
  if (!sol.ok()) return sol.error();
  AllocSolution out = std::move(sol.value());
  out.log = solutionDescription(*g, out);
  return out;
}

sdk::Result<AllocSolution> tryAllocateSecondary(const AlgorithmOptions& opts,
                                                const alloc::NodeList& nl,
                                                const alloc::InstanceList& il, int idx) {
  const alloc::Instance& inst = il.at(idx);
  if (inst.sNode >= 0) return failure("Instance already has a secondary");
  const int pidx = inst.pNode;
  alloc::NodeList nl2 = nl;
  nl2[pidx] = alloc::removePrimary(nl.at(pidx), inst);
  alloc::Instance inst2 = inst;
  inst2.diskTemplate = alloc::DiskTemplate::kDrbd;
  const int gidx = nl2.at(pidx).group;
  std::vector<int> sidxs;
  for (const auto& [i, n] : nl2) {
    if (n.group == gidx && i != pidx) sidxs.push_back(i);
  }
  return tryAlloc(opts, nl2, il, inst2,
                  AllocNodes{std::vector<std::pair<int, std::vector<int>>>{{pidx, sidxs}}});
}

}  // namespace gantry::plugins::hail
