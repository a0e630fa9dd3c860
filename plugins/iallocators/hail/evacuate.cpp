// Relocation and evacuation.
#include "evacuate.h"

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

#include "allocate.h"
#include "gantry/sdk/allocator/score.h"

namespace gantry::plugins::hail {
namespace {

sdk::Error failure(std::string msg) {
  return sdk::Error{sdk::ErrorCode::kNoResources, std::move(msg)};
}

std::vector<nlohmann::ordered_json> opcodesOf(const alloc::NodeList& nl,
                                              const alloc::Instance& inst,
                                              const std::vector<Move>& moves) {
  std::vector<nlohmann::ordered_json> out;
  for (const auto& m : moves) {
    for (auto& op : moveOpcodes(nl, inst, m)) out.push_back(std::move(op));
  }
  return out;
}

// Scores of group `gdx` after a move, computed over the group's rows with
// the move's few changed nodes swapped in: the same doubles as groupScore()
// on the whole changed list, without copying the cluster for every
// candidate.
class GroupScorer {
 public:
  GroupScorer(const alloc::NodeList& nl, int gdx) {
    for (const auto& [i, n] : nl) {
      if (n.group == gdx) nodes_.emplace(i, n);
    }
    table_ = std::make_unique<alloc::ScoreTable>(nodes_);
  }
  double score(const alloc::NodeList& changed) const {
    std::vector<const alloc::Node*> ptrs;
    for (const auto& [i, n] : changed) ptrs.push_back(&n);
    return table_->scoreWithNodes(ptrs);
  }

 private:
  alloc::NodeList nodes_;
  std::unique_ptr<alloc::ScoreTable> table_;
};

// The nodes a move of `inst` reads and writes: its own and the targets.
alloc::NodeList involvedNodes(const alloc::NodeList& nl, const alloc::Instance& inst,
                              std::initializer_list<int> targets) {
  alloc::NodeList out;
  for (int i : inst.allNodes()) {
    if (i != alloc::kNoNode) out.emplace(i, nl.at(i));
  }
  for (int t : targets) out.emplace(t, nl.at(t));
  return out;
}

alloc::NodeList withChanges(const alloc::NodeList& nl, const alloc::NodeList& changed) {
  alloc::NodeList out = nl;
  for (const auto& [i, n] : changed) out[i] = n;
  return out;
}

// The best single-node move over `available` (htools' evacOneNodeOnly).
sdk::Result<EvacStep> evacOneNodeOnly(bool force, const alloc::NodeList& nl,
                                      const alloc::InstanceList& il,
                                      const alloc::Instance& inst, int gdx,
                                      const std::vector<int>& available) {
  Move::Kind kind;
  switch (alloc::mirrorType(inst.diskTemplate)) {
    case alloc::MirrorType::kNone:
      return failure("Can't relocate/evacuate non-mirrored instances");
    case alloc::MirrorType::kInternal:
      kind = Move::Kind::kReplaceSecondary;
      break;
    default:
      kind = Move::Kind::kFailoverToAny;
      break;
  }
  const GroupScorer scorer(nl, gdx);
  std::string failMsg;
  std::optional<MoveResult> best;
  double bestScore = 0;
  int bestNode = alloc::kNoNode;
  for (int ndx : available) {
    auto r = applyMove(force, involvedNodes(nl, inst, {ndx}), inst, Move{kind, ndx});
    if (!r.ok()) {
      if (!best) {
        failMsg += " Node " + nl.at(ndx).name + " failed: " +
                   alloc::failModeName(r.failure()) + ";";
      }
      continue;
    }
    const double cv = scorer.score(r.value().nodes);
    if (!best || !(bestScore < cv)) {
      best = std::move(r.value());
      bestScore = cv;
      bestNode = ndx;
    }
  }
  if (!best) return failure("Can't find any good node: " + failMsg);
  EvacStep step;
  step.nodes = withChanges(nl, best->nodes);
  step.instances = il;
  step.instances[inst.idx] = best->instance;
  step.opcodes = opcodesOf(step.nodes, best->instance, {Move{kind, bestNode}});
  return step;
}

// One (new primary, new secondary) pair: only the nodes involved are
// copied; the whole step is built for the winner alone.
struct DrbdAllResult {
  alloc::NodeList changed;
  alloc::Instance instance;
  std::vector<Move> moves;
  double score;
};

sdk::Result<DrbdAllResult> evacDrbdAllInner(bool force, const alloc::NodeList& nl,
                                            const GroupScorer& scorer,
                                            const alloc::Instance& inst, int tp, int ts) {
  std::vector<Move> moves;
  alloc::NodeList cur = involvedNodes(nl, inst, {tp, ts});
  alloc::Instance ci = inst;
  auto step = [&](const Move& m, const char* what) -> std::optional<sdk::Error> {
    auto r = applyMove(force, cur, ci, m);
    if (!r.ok()) return failure(std::string(what) + ": " + alloc::failModeName(r.failure()));
    cur = std::move(r.value().nodes);
    ci = std::move(r.value().instance);
    moves.push_back(m);
    return std::nullopt;
  };
  if (nl.at(inst.pNode).offline) {
    if (auto e = step(Move{Move::Kind::kFailover}, "Failing over to the secondary")) return *e;
  }
  if (auto e = step(Move{Move::Kind::kReplaceSecondary, tp}, "Changing secondary to new primary")) {
    return *e;
  }
  if (auto e = step(Move{Move::Kind::kFailover}, "Failing over to new primary")) return *e;
  if (auto e = step(Move{Move::Kind::kReplaceSecondary, ts},
                    "Changing secondary to final secondary")) {
    return *e;
  }
  const double score = scorer.score(cur);
  return DrbdAllResult{std::move(cur), std::move(ci), std::move(moves), score};
}

std::vector<int> groupNodesExcept(const alloc::NodeList& nl, int gdx,
                                  const std::set<int>& excluded) {
  std::vector<int> out;
  for (const auto& [i, n] : nl) {
    if (n.group == gdx && !excluded.count(i)) out.push_back(i);
  }
  return out;
}

void recordOutcome(EvacOutcome& state, int idx, sdk::Result<EvacStep> r) {
  if (!r.ok()) {
    state.solution.failed.emplace_back(idx, r.error().message);
    return;
  }
  state.nodes = std::move(r.value().nodes);
  state.instances = std::move(r.value().instances);
  const alloc::Instance& inst = state.instances.at(idx);
  state.solution.moved.push_back({idx, state.nodes.at(inst.pNode).group, inst.allNodes()});
  state.solution.jobs.push_back(std::move(r.value().opcodes));
}

}  // namespace

sdk::Result<EvacStep> nodeEvacInstance(bool force, const alloc::NodeList& nl,
                                       const alloc::InstanceList& il, alloc::EvacMode mode,
                                       const alloc::Instance& inst, int gdx,
                                       const std::vector<int>& available) {
  using alloc::DiskTemplate;
  const DiskTemplate dt = inst.diskTemplate;
  if (dt == DiskTemplate::kPlain) return failure("Instances of type plain cannot be relocated");
  if (dt == DiskTemplate::kFile) return failure("Instances of type file cannot be relocated");
  if (dt != DiskTemplate::kDrbd) {
    if (mode == alloc::EvacMode::kSecondaryOnly) {
      return failure(std::string("Instances with disk template '") +
                     alloc::diskTemplateName(dt) + "' can't execute change secondary");
    }
    return evacOneNodeOnly(force, nl, il, inst, gdx, available);
  }
  if (mode == alloc::EvacMode::kPrimaryOnly) {
    auto r = applyMove(force, nl, inst, Move{Move::Kind::kFailover});
    if (!r.ok()) return failure(alloc::failModeName(r.failure()));
    EvacStep step;
    step.nodes = std::move(r.value().nodes);
    step.instances = il;
    step.instances[inst.idx] = r.value().instance;
    step.opcodes = opcodesOf(step.nodes, r.value().instance, {Move{Move::Kind::kFailover}});
    return step;
  }
  if (mode == alloc::EvacMode::kSecondaryOnly) {
    return evacOneNodeOnly(force, nl, il, inst, gdx, available);
  }
  std::optional<DrbdAllResult> best;
  std::string lastFailure = "no nodes available";
  const GroupScorer scorer(nl, gdx);
  for (int p : available) {
    for (int s : available) {
      if (p == s) continue;
      auto r = evacDrbdAllInner(force, nl, scorer, inst, p, s);
      if (!r.ok()) {
        if (!best) lastFailure = "Allocation failed: " + r.error().message;
        continue;
      }
      if (!best || !(best->score < r.value().score)) best = std::move(r.value());
    }
  }
  if (!best) return failure("Can't find any good nodes for relocation: " + lastFailure);
  EvacStep step;
  step.nodes = withChanges(nl, best->changed);
  step.instances = il;
  step.instances[inst.idx] = best->instance;
  step.opcodes = opcodesOf(step.nodes, best->instance, best->moves);
  return step;
}

EvacOutcome tryNodeEvac(const AlgorithmOptions& opts, const alloc::NodeList& nl,
                        const alloc::InstanceList& il, alloc::EvacMode mode,
                        const std::vector<int>& idxs) {
  std::set<int> excluded;
  for (int idx : idxs) {
    const auto& inst = il.at(idx);
    const bool drbd = inst.diskTemplate == alloc::DiskTemplate::kDrbd;
    if (mode != alloc::EvacMode::kSecondaryOnly) excluded.insert(inst.pNode);
    if (mode != alloc::EvacMode::kPrimaryOnly && drbd) excluded.insert(inst.sNode);
  }
  excluded.erase(alloc::kNoNode);
  for (const auto& [i, n] : nl) {
    if (n.offline) excluded.insert(i);
  }
  EvacOutcome state{nl, il, {}};
  for (int idx : idxs) {
    const alloc::Instance inst = il.at(idx);  // htools uses the original record
    const int gdx = state.nodes.at(inst.pNode).group;
    std::set<int> ex = excluded;
    ex.insert(inst.pNode);
    const auto avail = groupNodesExcept(nl, gdx, ex);
    recordOutcome(state, idx,
                  nodeEvacInstance(opts.ignoreSoftErrors, state.nodes, state.instances, mode,
                                   inst, gdx, avail));
  }
  return state;
}

EvacOutcome tryChangeGroup(const AlgorithmOptions& opts, const std::vector<alloc::Group>& groups,
                           const alloc::NodeList& nl, const alloc::InstanceList& il,
                           const std::vector<int>& idxs, const std::vector<int>& targetGroups) {
  std::vector<int> evacGroups;
  for (int idx : idxs) {
    int g = nl.at(il.at(idx).pNode).group;
    if (std::find(evacGroups.begin(), evacGroups.end(), g) == evacGroups.end()) {
      evacGroups.push_back(g);
    }
  }
  std::vector<int> targets;
  if (targetGroups.empty()) {
    for (const auto& g : groups) targets.push_back(g.idx);
  } else {
    targets = targetGroups;
  }
  targets.erase(std::remove_if(targets.begin(), targets.end(),
                               [&](int g) {
                                 return std::find(evacGroups.begin(), evacGroups.end(), g) !=
                                        evacGroups.end();
                               }),
                targets.end());
  std::set<int> offline;
  for (const auto& [i, n] : nl) {
    if (n.offline) offline.insert(i);
  }
  EvacOutcome state{nl, il, {}};
  for (int idx : idxs) {
    const alloc::Instance inst = il.at(idx);
    auto r = [&]() -> sdk::Result<EvacStep> {
      auto choice = findBestAllocGroup(opts, groups, state.nodes, state.instances, targets, inst,
                                       alloc::requiredNodes(inst.diskTemplate));
      if (!choice.ok()) return choice.error();
      const int gdx = choice.value().group;
      const auto avail = groupNodesExcept(nl, gdx, offline);
      return nodeEvacInstance(false, state.nodes, state.instances, alloc::EvacMode::kAll, inst,
                              gdx, avail);
    }();
    recordOutcome(state, idx, std::move(r));
  }
  return state;
}

sdk::Result<RelocateOutcome> processRelocate(const AlgorithmOptions& opts,
                                             const alloc::NodeList& nl,
                                             const alloc::InstanceList& il, int idx,
                                             int requiredNodes,
                                             const std::vector<int>& excluded) {
  if (requiredNodes != 1) {
    return failure("Exchange " + std::to_string(requiredNodes) +
                   " nodes mode is not implemented");
  }
  const alloc::Instance& orig = il.at(idx);
  int expNode;
  std::string nodeType;
  alloc::EvacMode mode;
  switch (alloc::mirrorType(orig.diskTemplate)) {
    case alloc::MirrorType::kNone:
      return failure("Can't relocate non-mirrored instances");
    case alloc::MirrorType::kInternal:
      expNode = orig.sNode;
      nodeType = "secondary";
      mode = alloc::EvacMode::kSecondaryOnly;
      break;
    default:
      expNode = orig.pNode;
      nodeType = "primary";
      mode = alloc::EvacMode::kPrimaryOnly;
      break;
  }
  if (excluded != std::vector<int>{expNode}) {
    std::string list = "[";
    for (std::size_t i = 0; i < excluded.size(); ++i) {
      list += (i ? "," : "") + std::to_string(excluded[i]);
    }
    return failure("Unsupported request: excluded nodes not equal to instance's " + nodeType +
                   "(" + std::to_string(expNode) + " versus " + list + "])");
  }
  EvacOutcome out = tryNodeEvac(opts, nl, il, mode, {idx});
  if (!out.solution.failed.empty()) return failure(out.solution.failed.front().second);
  if (out.solution.moved.empty()) return failure("Internal error: lost instance idx during move");
  const alloc::Instance& inst = out.instances.at(idx);
  RelocateOutcome r{std::move(out.nodes), std::move(out.instances), {}};
  if (mode == alloc::EvacMode::kSecondaryOnly) {
    if (inst.sNode == orig.sNode) {
      return failure("Internal error: instance didn't change secondary node?!");
    }
    r.result = {inst.sNode};
  } else {
    if (inst.pNode == orig.pNode) {
      return failure("Internal error: instance didn't change primary node?!");
    }
    r.result = {inst.pNode};
  }
  return r;
}

}  // namespace gantry::plugins::hail
