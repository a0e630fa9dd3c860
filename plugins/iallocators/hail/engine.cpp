// Request dispatch and answer formatting.
#include "engine.h"

#include <nlohmann/json.hpp>

#include "allocate.h"
#include "dedicated.h"
#include "evacuate.h"

namespace gantry::plugins::hail {
namespace {

using Json = nlohmann::ordered_json;

struct Outcome {
  std::string info;
  Json result;
  alloc::NodeList nodes;          // the cluster after the request, when kept
  alloc::InstanceList instances;
};

using Processed = sdk::Result<Outcome>;

sdk::Error failure(std::string msg) {
  return sdk::Error{sdk::ErrorCode::kNoResources, std::move(msg)};
}

std::string joinComma(const std::vector<std::string>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out;
}

// The whole cluster with a placement applied (its nodes and the instance),
// in place: withPlacement/withNewInstance restricted to what changes, so a
// large cluster is not copied for every placement.
void applyPlacement(alloc::NodeList& nl, alloc::InstanceList& il, const AllocElement& e) {
  const int newIndex = static_cast<int>(il.size());
  for (const auto& changed : e.changed) {
    alloc::Node n = changed;
    for (auto& i : n.pList) i = i < 0 ? newIndex : i;
    for (auto& i : n.sList) i = i < 0 ? newIndex : i;
    nl[n.idx] = std::move(n);
  }
  il[newIndex] = e.instance;
}

std::vector<std::string> nodeNames(const AllocElement& e) {
  std::vector<std::string> out;
  for (const auto& n : e.changed) out.push_back(n.name);
  return out;
}

// `keepCluster`: also the whole cluster after the placement (a copy of it,
// which on thousands of nodes costs more than the answer).
Processed formatAllocate(const alloc::ClusterData& cd, const sdk::Result<AllocSolution>& r,
                         bool keepCluster) {
  if (!r.ok()) return r.error();
  const std::string info = joinComma(r.value().log);
  if (!r.value().solution) return failure(info);
  Outcome out{info, Json(nodeNames(*r.value().solution)), {}, {}};
  if (keepCluster) {
    out.nodes = cd.nodes;
    out.instances = cd.instances;
    applyPlacement(out.nodes, out.instances, *r.value().solution);
  }
  return out;
}

Processed formatEvac(const alloc::ClusterData& cd, EvacOutcome ev) {
  Json moved = Json::array(), failed = Json::array(), jobs = Json::array();
  for (const auto& m : ev.solution.moved) {
    Json names = Json::array();
    for (int n : m.nodes) names.push_back(cd.nodes.at(n).name);
    moved.push_back(Json::array({cd.instances.at(m.instance).name, cd.groups.at(m.group).name,
                                 names}));
  }
  for (const auto& [idx, msg] : ev.solution.failed) {
    failed.push_back(Json::array({cd.instances.at(idx).name, msg}));
  }
  for (const auto& job : ev.solution.jobs) jobs.push_back(Json(job));
  const std::string info = std::to_string(ev.solution.failed.size()) +
                           " instances failed to move and " +
                           std::to_string(ev.solution.moved.size()) + " were moved successfully";
  return Outcome{info, Json::array({moved, failed, jobs}), std::move(ev.nodes),
                 std::move(ev.instances)};
}

AlgorithmOptions withRequestRestriction(const AlgorithmOptions& opts,
                                        const alloc::AllocateRequest& a) {
  AlgorithmOptions o = opts;
  if (!o.restrictToNodes) o.restrictToNodes = a.restrictToNodes;
  return o;
}

// Multi-allocation: entries in order on the state left by earlier ones;
// an entry failing outright fails the whole request.
template <typename AllocFn>
Processed allocList(const alloc::ClusterData& cd, const alloc::MultiAllocateRequest& m,
                    AllocFn&& allocOne) {
  alloc::NodeList nl = cd.nodes;
  alloc::InstanceList il = cd.instances;
  Json ok = Json::array(), bad = Json::array();
  int failed = 0, allocated = 0;
  for (const auto& entry : m.entries) {
    sdk::Result<AllocSolution> r = allocOne(entry, nl, il);
    if (!r.ok()) return r.error();
    const AllocSolution& sol = r.value();
    if (sol.solution) {
      ok.push_back(Json::array({entry.instance.name, nodeNames(*sol.solution)}));
      ++allocated;
      applyPlacement(nl, il, *sol.solution);
    } else {
      bad.push_back(Json::array({entry.instance.name, joinComma(sol.log)}));
      ++failed;
    }
  }
  const std::string info = std::to_string(failed) + " instances failed to allocate and " +
                           std::to_string(allocated) + " were allocated successfully";
  return Outcome{info, Json::array({ok, bad}), std::move(nl), std::move(il)};
}

std::optional<std::string> multiGroup(const alloc::MultiAllocateRequest& m) {
  std::optional<std::string> g;
  for (const auto& e : m.entries) {
    if (!e.groupName) continue;
    if (g && *g != *e.groupName) return std::nullopt;
    g = e.groupName;
  }
  return g;
}

Processed runDedicated(const alloc::ParsedRequest& req, const AlgorithmOptions& opts,
                       bool keepCluster) {
  const auto& cd = req.cluster;
  if (const auto* a = std::get_if<alloc::AllocateRequest>(&req.request)) {
    const AlgorithmOptions o = withRequestRestriction(opts, *a);
    if (a->groupName) {
      std::string err;
      const alloc::Group* g = alloc::findGroupByName(cd.groups, *a->groupName, &err);
      if (!g) return failure(err);
      return formatAllocate(cd,
                            dedicatedGroupAlloc(o, cd.groups, cd.nodes, g->idx, a->instance,
                                                a->requiredNodes),
                            keepCluster);
    }
    return formatAllocate(
        cd, dedicatedMGAlloc(o, cd.groups, cd.nodes, a->instance, a->requiredNodes),
        keepCluster);
  }
  const auto& m = std::get<alloc::MultiAllocateRequest>(req.request);
  return allocList(cd, m,
                   [&](const alloc::AllocateRequest& e, const alloc::NodeList& nl,
                       const alloc::InstanceList&) -> sdk::Result<AllocSolution> {
                     if (!e.groupName) {
                       return dedicatedMGAlloc(opts, cd.groups, nl, e.instance, e.requiredNodes);
                     }
                     std::string err;
                     const alloc::Group* g = alloc::findGroupByName(cd.groups, *e.groupName, &err);
                     if (!g) return failure(err);
                     // htools evaluates grouped entries on the original nodes.
                     return dedicatedGroupAlloc(opts, cd.groups, cd.nodes, g->idx, e.instance,
                                                e.requiredNodes);
                   });
}

Processed process(const alloc::ParsedRequest& req, const AlgorithmOptions& opts,
                  bool keepCluster) {
  const auto& cd = req.cluster;
  if (usesDedicatedAllocation(req)) return runDedicated(req, opts, keepCluster);
  return std::visit(
      [&](const auto& r) -> Processed {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, alloc::AllocateRequest>) {
          const AlgorithmOptions o = withRequestRestriction(opts, r);
          if (r.groupName) {
            return formatAllocate(cd,
                                  tryGroupAlloc(o, cd.groups, cd.nodes, cd.instances,
                                                *r.groupName, r.instance, r.requiredNodes),
                                  keepCluster);
          }
          return formatAllocate(
              cd,
              tryMGAlloc(o, cd.groups, cd.nodes, cd.instances, r.instance, r.requiredNodes),
              keepCluster);
        } else if constexpr (std::is_same_v<T, alloc::MultiAllocateRequest>) {
          return allocList(cd, r,
                           [&](const alloc::AllocateRequest& e, const alloc::NodeList& nl,
                               const alloc::InstanceList& il) -> sdk::Result<AllocSolution> {
                             if (e.groupName) {
                               return tryGroupAlloc(opts, cd.groups, nl, il, *e.groupName,
                                                    e.instance, e.requiredNodes);
                             }
                             return tryMGAlloc(opts, cd.groups, nl, il, e.instance,
                                               e.requiredNodes);
                           });
        } else if constexpr (std::is_same_v<T, alloc::RelocateRequest>) {
          auto rel = processRelocate(opts, cd.nodes, cd.instances, r.instance, r.requiredNodes,
                                     r.relocateFrom);
          if (!rel.ok()) return rel.error();
          Json names = Json::array();
          for (int n : rel.value().result) names.push_back(rel.value().nodes.at(n).name);
          return Outcome{"success", names, std::move(rel.value().nodes),
                         std::move(rel.value().instances)};
        } else if constexpr (std::is_same_v<T, alloc::NodeEvacuateRequest>) {
          return formatEvac(cd, tryNodeEvac(opts, cd.nodes, cd.instances, r.mode, r.instances));
        } else if constexpr (std::is_same_v<T, alloc::ChangeGroupRequest>) {
          return formatEvac(cd, tryChangeGroup(opts, cd.groups, cd.nodes, cd.instances,
                                               r.instances, r.targetGroups));
        } else {
          auto sol = tryAllocateSecondary(opts, cd.nodes, cd.instances, r.instance);
          if (!sol.ok()) return sol.error();
          const std::string info = joinComma(sol.value().log);
          if (!sol.value().solution) return failure(info);
          const AllocElement& e = *sol.value().solution;
          if (e.changed.size() != 2) {
            return failure("Internal error (not a DRBD allocation); info was: " + info);
          }
          Outcome out{info, Json(e.changed[1].name), {}, {}};
          if (keepCluster) {
            out.nodes = cd.nodes;
            out.instances = cd.instances;
            for (auto& [i, n] : e.nodeList()) out.nodes[i] = std::move(n);
            out.instances[e.instance.idx] = e.instance;
          }
          return out;
        }
      },
      req.request);
}

}  // namespace

std::string Answer::toJson() const {
  Json j;
  j["success"] = success;
  j["info"] = info;
  j["result"] = Json::parse(resultJson);
  return j.dump();
}

bool usesDedicatedAllocation(const alloc::ParsedRequest& req) {
  if (const auto* a = std::get_if<alloc::AllocateRequest>(&req.request)) {
    return isDedicated(req.cluster, a->groupName);
  }
  if (const auto* m = std::get_if<alloc::MultiAllocateRequest>(&req.request)) {
    return isDedicated(req.cluster, multiGroup(*m));
  }
  return false;
}

Answer processRequest(const alloc::ParsedRequest& req, const AlgorithmOptions& opts,
                      bool keepFinalCluster) {
  Answer a;
  Processed p = [&]() -> Processed {
    try {
      return process(req, opts, keepFinalCluster);
    } catch (const std::exception& e) {
      return failure(std::string("Internal error: ") + e.what());
    }
  }();
  if (p.ok()) {
    a.success = true;
    a.info = "Request successful: " + p.value().info;
    a.resultJson = p.value().result.dump();
    if (!keepFinalCluster) return a;
    alloc::ClusterData fin;
    fin.groups = req.cluster.groups;
    fin.tags = req.cluster.tags;
    fin.ipolicy = req.cluster.ipolicy;
    fin.nodes = std::move(p.value().nodes);
    fin.instances = std::move(p.value().instances);
    a.finalCluster = std::move(fin);
  } else {
    a.success = false;
    a.info = "Request failed: " + p.error().message;
    a.resultJson = "[]";
  }
  return a;
}

}  // namespace gantry::plugins::hail
