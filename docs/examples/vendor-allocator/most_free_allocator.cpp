// "Most free memory first": a small instance allocator built on the SDK's
// allocator model. It places a new instance on the online node with the most
// unallocated memory that passes every htools check — instance policy,
// memory, disk, CPU ratio, exclusion tags and the node's own N+1 reserve —
// and, for DRBD, on the secondary of the same group with the most free
// memory that can still take the failover. Other request types are answered
// "not supported" (a valid negative answer, not an error).
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gantry/sdk/allocator/node_ops.h"
#include "gantry/sdk/allocator/request.h"
#include "gantry/sdk/allocator/score.h"
#include "gantry/sdk/host.h"
#include "gantry/sdk/instance_allocator.h"
#include "gantry/sdk/plugin_abi.h"

namespace example {

namespace sdk = gantry::sdk;
namespace alloc = gantry::sdk::allocator;
using Json = nlohmann::ordered_json;

std::string answer(bool success, const std::string& info, Json result) {
  Json j;
  j["success"] = success;
  j["info"] = info;
  j["result"] = success ? std::move(result) : Json::array();
  return j.dump();
}

// Online nodes of the request's group (if any) and restriction list, most
// unallocated memory first; equal nodes keep their input order.
std::vector<const alloc::Node*> candidates(const alloc::ClusterData& cd,
                                           const alloc::AllocateRequest& req) {
  std::vector<const alloc::Node*> out;
  const alloc::Group* group = nullptr;
  if (req.groupName) {
    std::string err;
    group = alloc::findGroupByName(cd.groups, *req.groupName, &err);
  }
  for (const auto& [idx, node] : cd.nodes) {
    if (node.offline) continue;  // offline or drained
    if (group && node.group != group->idx) continue;
    if (req.restrictToNodes &&
        std::find(req.restrictToNodes->begin(), req.restrictToNodes->end(), node.name) ==
            req.restrictToNodes->end()) {
      continue;
    }
    out.push_back(&node);
  }
  std::stable_sort(out.begin(), out.end(), [](const alloc::Node* a, const alloc::Node* b) {
    return a->unallocatedMem() > b->unallocatedMem();
  });
  return out;
}

class MostFreeAllocator final : public sdk::InstanceAllocator {
 public:
  explicit MostFreeAllocator(sdk::Host* host) : host_(host) {}

  sdk::Result<std::string> run(std::string_view requestJson,
                               const sdk::AllocatorOptions& options) override {
    try {
      auto parsed = alloc::parseRequest(requestJson);
      if (!parsed.ok()) return parsed.error();
      const auto* req = std::get_if<alloc::AllocateRequest>(&parsed->request);
      if (!req) {
        return answer(false, std::string("request type '") +
                                 alloc::requestTypeName(parsed->request) + "' is not supported",
                      {});
      }
      const bool force = options.count("ignore-soft-errors") > 0;
      return allocate(parsed->cluster, *req, force);
    } catch (const std::exception& e) {
      // Nothing may be thrown across the plugin edge.
      return sdk::Error{sdk::ErrorCode::kFault, std::string("most-free: ") + e.what()};
    }
  }

 private:
  std::string allocate(const alloc::ClusterData& cd, const alloc::AllocateRequest& req,
                       bool force) {
    alloc::Instance inst = req.instance;
    const auto nodes = candidates(cd, req);
    std::vector<alloc::FailMode> failures;
    for (const alloc::Node* p : nodes) {
      // The group's instance policy (sizes, disk template).
      if (auto pol = alloc::matchesPolicy(inst, p->ipolicy, p->exclStorage); !pol.ok()) {
        failures.push_back(pol.failure());
        continue;
      }
      inst.pNode = p->idx;
      // Memory, disk, CPU ratio, exclusion tags and "would this node stop
      // being N+1" are all part of addPrimary's checks.
      auto newP = alloc::addPrimary(*p, inst, force);
      if (!newP.ok()) {
        failures.push_back(newP.failure());
        continue;
      }
      if (req.requiredNodes == 1) return success(cd, {{p->idx, &newP.value()}}, {p->name});
      for (const alloc::Node* s : nodes) {
        if (s == p || s->group != p->group) continue;
        inst.sNode = s->idx;
        // The secondary must keep enough free memory for the failover of
        // everything it mirrors from this primary (its N+1 reserve).
        auto newS = alloc::addSecondary(*s, inst, p->idx);
        if (!newS.ok()) {
          failures.push_back(newS.failure());
          continue;
        }
        return success(cd, {{p->idx, &newP.value()}, {s->idx, &newS.value()}},
                       {p->name, s->name});
      }
    }
    std::string reasons;
    for (int f = 0; f < alloc::kFailModeCount; ++f) {
      const auto n = std::count(failures.begin(), failures.end(), static_cast<alloc::FailMode>(f));
      if (n == 0) continue;
      reasons += (reasons.empty() ? "" : ", ") +
                 std::string(alloc::failModeName(static_cast<alloc::FailMode>(f))) + ": " +
                 std::to_string(n);
    }
    return answer(false, "no node can take " + inst.name + " (" + reasons + ")", {});
  }

  std::string success(const alloc::ClusterData& cd, const std::map<int, const alloc::Node*>& placed,
                      const std::vector<std::string>& names) {
    // The balance score after the placement (lower is better), for the log.
    const double score = alloc::clusterScoreWith(cd.nodes, placed);
    std::string info = "most free memory: ";
    for (std::size_t i = 0; i < names.size(); ++i) info += (i ? "/" : "") + names[i];
    info += ", cluster score " + std::to_string(score);
    if (host_) host_->log(sdk::LogLevel::kInfo, info);
    Json result = Json::array();
    for (const auto& n : names) result.push_back(n);
    return answer(true, info, result);
  }

  sdk::Host* host_;
};

}  // namespace example

GANTRY_PLUGIN(InstanceAllocator, example::MostFreeAllocator, "most-free", "1.0.0");
