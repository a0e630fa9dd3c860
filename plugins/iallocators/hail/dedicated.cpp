// Dedicated-cluster allocation.
#include "dedicated.h"

#include <algorithm>
#include <memory>

#include "allocate.h"
#include "gantry/sdk/allocator/node_ops.h"

namespace gantry::plugins::hail {
namespace {

sdk::Error failure(std::string msg) {
  return sdk::Error{sdk::ErrorCode::kNoResources, std::move(msg)};
}

// The min spec of each policy entry as a running plain instance without
// disks, largest disk first (htools' testInstances).
std::vector<alloc::Instance> testInstances(const alloc::IPolicy& policy) {
  std::vector<alloc::ISpec> specs;
  for (const auto& mm : policy.minMax) specs.push_back(mm.min);
  std::stable_sort(specs.begin(), specs.end(), [](const alloc::ISpec& a, const alloc::ISpec& b) {
    return a.diskSize > b.diskSize;
  });
  std::vector<alloc::Instance> out;
  for (const auto& s : specs) {
    alloc::Instance i;
    i.name = i.alias = "minimalspecinstance";
    i.mem = s.memorySize;
    i.dsk = s.diskSize;
    i.vcpus = s.cpuCount;
    i.runState = alloc::RunState::kRunning;
    i.autoBalance = false;
    i.diskTemplate = alloc::DiskTemplate::kPlain;
    i.spindleUse = s.spindleUse;
    i.movable = false;
    out.push_back(i);
  }
  return out;
}

// How many copies of each test instance still fit (strict adds).
std::vector<int> allocationVector(const std::vector<alloc::Instance>& tests,
                                  const alloc::Node& node) {
  std::vector<int> out;
  for (const auto& t : tests) {
    int count = 1;  // iterateOk counts the starting node too
    alloc::Node cur = node;
    while (true) {
      auto r = alloc::addPrimary(cur, t, false);
      if (!r.ok()) break;
      cur = std::move(r.value());
      ++count;
    }
    out.push_back(count);
  }
  return out;
}

std::vector<int> minus(const std::vector<int>& a, const std::vector<int>& b) {
  std::vector<int> out;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) out.push_back(a[i] - b[i]);
  return out;
}

alloc::OpResult<AllocElement> onSingle(const AlgorithmOptions& opts,
                                       const std::shared_ptr<const alloc::NodeList>& nl,
                                       const alloc::Instance& inst, int pdx) {
  const alloc::Node& p = nl->at(pdx);
  auto pol = alloc::matchesPolicy(inst, p.ipolicy, p.exclStorage);
  if (!pol.ok()) return pol.failure();
  const auto tests = testInstances(p.ipolicy);
  auto newP = alloc::addPrimary(p, inst, opts.ignoreSoftErrors);
  if (!newP.ok()) return newP.failure();
  AllocElement e;
  e.base = nl;
  e.instance = inst;
  e.instance.pNode = pdx;
  e.instance.sNode = alloc::kNoNode;
  e.metric.dedicated = true;
  e.metric.lost = minus(allocationVector(tests, p), allocationVector(tests, newP.value()));
  e.metric.disk = newP.value().fDsk;
  e.changed.push_back(std::move(newP.value()));
  return e;
}

alloc::OpResult<AllocElement> onPair(const AlgorithmOptions& opts,
                                     const std::shared_ptr<const alloc::NodeList>& nl,
                                     const alloc::Instance& inst, int pdx, int sdx) {
  const alloc::Node& p = nl->at(pdx);
  const alloc::Node& s = nl->at(sdx);
  const auto tests = testInstances(p.ipolicy);
  alloc::Instance inst2 = inst;
  inst2.pNode = pdx;
  inst2.sNode = sdx;
  auto pol = alloc::matchesPolicy(inst, p.ipolicy, p.exclStorage);
  if (!pol.ok()) return pol.failure();
  auto newP = alloc::addPrimary(p, inst2, opts.ignoreSoftErrors);
  if (!newP.ok()) return newP.failure();
  auto newS = alloc::addSecondary(s, inst2, pdx);
  if (!newS.ok()) return newS.failure();
  auto lostP = minus(allocationVector(tests, p), allocationVector(tests, newP.value()));
  auto lostS = minus(allocationVector(tests, s), allocationVector(tests, newS.value()));
  AllocElement e;
  e.base = nl;
  e.instance = inst2;
  e.metric.dedicated = true;
  for (std::size_t i = 0; i < std::min(lostP.size(), lostS.size()); ++i) {
    e.metric.lost.push_back(lostP[i] + lostS[i]);
  }
  e.metric.disk = static_cast<long long>(newP.value().fDsk) + newS.value().fDsk;
  e.changed.push_back(std::move(newP.value()));
  e.changed.push_back(std::move(newS.value()));
  return e;
}

}  // namespace

bool isDedicated(const alloc::ClusterData& cd, const std::optional<std::string>& groupName) {
  std::vector<bool> inG(cd.groups.size(), false);
  for (const auto& g : cd.groups) {
    inG[g.idx] = groupName ? g.name == *groupName
                           : g.allocPolicy != alloc::AllocPolicy::kUnallocable;
  }
  return std::all_of(cd.nodes.begin(), cd.nodes.end(), [&](const auto& kv) {
    const auto& n = kv.second;
    const bool member = n.group >= 0 && n.group < static_cast<int>(inG.size()) && inG[n.group];
    return n.exclStorage || !member;
  });
}

sdk::Result<AllocSolution> dedicatedGroupAlloc(const AlgorithmOptions& opts,
                                               const std::vector<alloc::Group>& groups,
                                               const alloc::NodeList& all, int gdx,
                                               const alloc::Instance& inst, int count) {
  alloc::NodeList nl;
  for (const auto& [i, n] : all) {
    if (n.group == gdx) nl.emplace(i, n);
  }
  const alloc::Group& g = groups.at(gdx);
  if (!hasRequiredNetworks(g, inst)) {
    return failure("The group " + g.name +
                   " is not connected to a network required by instance " + inst.name);
  }
  auto cands = genAllocNodes(opts, nl, count);
  if (!cands.ok()) return cands.error();
  auto base = std::make_shared<const alloc::NodeList>(nl);
  AllocSolution sol;
  auto add = [&](alloc::OpResult<AllocElement> r) {
    if (r.ok()) {
      sol.add(r.value());
    } else {
      sol.addFailure(r.failure());
    }
  };
  if (const auto* singles = std::get_if<std::vector<int>>(&cands.value())) {
    if (singles->empty()) return failure("No online nodes");
    for (int p : *singles) add(onSingle(opts, base, inst, p));
  } else {
    const auto& pairs = std::get<1>(cands.value());
    if (pairs.empty()) return failure("Not enough online nodes");
    for (const auto& [p, ss] : pairs) {
      AllocSolution per;
      for (int s : ss) {
        auto r = onPair(opts, base, inst, p, s);
        if (r.ok()) {
          per.add(r.value());
        } else {
          per.addFailure(r.failure());
        }
      }
      sol.merge(std::move(per));
    }
  }
  sol.log = {sol.describe(nl)};
  sol.log = solutionDescription(g, sol);
  return sol;
}

sdk::Result<AllocSolution> dedicatedMGAlloc(const AlgorithmOptions& opts,
                                            const std::vector<alloc::Group>& groups,
                                            const alloc::NodeList& nl,
                                            const alloc::Instance& inst, int count) {
  std::vector<std::string> msgs;
  std::vector<std::pair<int, sdk::Result<AllocSolution>>> sols;
  for (const auto& [gdx, nodes] : alloc::nodesByGroup(nl)) {
    auto r = dedicatedGroupAlloc(opts, groups, nl, gdx, inst, count);
    if (r.ok()) {
      for (const auto& l : r.value().log) msgs.push_back(l);
    } else {
      msgs.push_back("Group " + groups.at(gdx).name + ": error " + r.error().message);
    }
    sols.emplace_back(gdx, std::move(r));
  }
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
    std::string text;
    for (std::size_t i = 0; i < msgs.size(); ++i) text += (i ? ", " : "") + msgs[i];
    return failure(text);
  }
  AllocSolution out = *good.front().second;
  out.log = {"Selected group: " + groups.at(good.front().first).name};
  out.log.insert(out.log.end(), msgs.begin(), msgs.end());
  return out;
}

}  // namespace gantry::plugins::hail
