// N+1 and instance-policy safety of hail's answers on seeded random small
// clusters. Every allocate and node-evacuate answer is applied by a plain
// checker written here (its own arithmetic over the loaded cluster), which
// then fails each node in turn: DRBD instances fail over to their
// secondaries, and every node must keep room for them. It also checks the
// instance policy, offline/drained nodes and exclusion tags. Separately,
// for every allocation candidate, the incremental N+1 checker must agree
// with the reference whole-cluster simulation.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "allocate.h"
#include "gantry/sdk/allocator/node_ops.h"
#include "gantry/sdk/allocator/request.h"
#include "global_n1.h"
#include "hail_allocator.h"

namespace gantry::plugins::hail {
namespace {

namespace alloc = gantry::sdk::allocator;
using Json = nlohmann::ordered_json;

// Enough seeds to hit every path (tight clusters, shared storage, drained
// nodes) while staying within a few seconds in a debug build.
constexpr int kSeeds = 16;
// Secondaries tried per primary in the candidate comparison.
constexpr std::size_t kPairsPerPrimary = 3;

struct Rng {
  std::mt19937 gen;
  explicit Rng(unsigned seed) : gen(seed) {}
  int between(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen); }
  bool chance(int percent) { return between(1, 100) <= percent; }
};

Json ispec(int mem, int cpu, int disk, int dcount, int spindles) {
  return Json{{"memory-size", mem}, {"cpu-count", cpu}, {"disk-size", disk},
              {"disk-count", dcount}, {"nic-count", 1}, {"spindle-use", spindles}};
}

// A small random cluster; some seeds are tight (nodes already failing N+1,
// drained or offline nodes, shared-storage and file instances).
Json randomCluster(Rng& rng) {
  const int nodeCount = rng.between(4, 12);
  const int groupCount = nodeCount >= 6 && rng.chance(40) ? 2 : 1;
  Json groups = Json::object();
  for (int g = 0; g < groupCount; ++g) {
    Json pol;
    pol["std"] = ispec(1024, 1, 10240, 1, 1);
    pol["minmax"] = Json::array({Json{{"min", ispec(256, 1, 512, 1, 1)},
                                      {"max", ispec(rng.chance(50) ? 8192 : 16384, 8,
                                                    204800, 4, 8)}}});
    pol["vcpu-ratio"] = 4.0;
    pol["spindle-ratio"] = 32.0;
    pol["disk-templates"] = Json::array({"drbd", "plain", "file", "rbd", "diskless"});
    groups["uuid-g" + std::to_string(g)] =
        Json{{"name", "group" + std::to_string(g)}, {"alloc_policy", "preferred"},
             {"networks", Json::array()}, {"ipolicy", pol}, {"tags", Json::array()}};
  }
  struct N {
    int totalMem, freeMem, totalDisk, freeDisk, group;
    bool offline, drained;
  };
  std::vector<N> nodes;
  for (int n = 0; n < nodeCount; ++n) {
    const int mem = 4096 * rng.between(2, 8);
    const int disk = 51200 * rng.between(2, 10);
    nodes.push_back({mem, mem - 1024, disk, disk, n % groupCount, rng.chance(6),
                     rng.chance(6)});
  }
  Json instances = Json::object();
  const int instCount = nodeCount * rng.between(1, 4);
  const char* templates[] = {"drbd", "drbd", "drbd", "plain", "plain", "file", "rbd"};
  for (int i = 0; i < instCount; ++i) {
    const std::string dt = templates[rng.between(0, 6)];
    const int mem = 512 * rng.between(1, 12);
    const int disk = 1024 * rng.between(1, 40);
    const int p = rng.between(0, nodeCount - 1);
    if (nodes[p].freeMem - mem < 256 || nodes[p].freeDisk - disk < 1024) continue;
    Json nodeNames = Json::array({"node" + std::to_string(p)});
    if (dt == "drbd") {
      int s = rng.between(0, nodeCount - 1);
      if (s == p || nodes[s].group != nodes[p].group || nodes[s].freeDisk - disk < 1024) continue;
      nodes[s].freeDisk -= disk + 128;
      nodeNames.push_back("node" + std::to_string(s));
    }
    const bool up = rng.chance(85);
    if (up) nodes[p].freeMem -= mem;
    if (dt == "drbd" || dt == "plain") nodes[p].freeDisk -= dt == "drbd" ? disk + 128 : disk;
    Json tags = Json::array();
    if (rng.chance(30)) tags.push_back("service:s" + std::to_string(rng.between(0, 2)));
    instances["inst" + std::to_string(i)] =
        Json{{"disks", Json::array({Json{{"size", disk}, {"mode", "rw"}}})},
             {"disk_space_total", dt == "drbd" ? disk + 128 : disk},
             {"hypervisor", "xen-pvm"},
             {"tags", tags},
             {"nics", Json::array({Json{{"mac", "aa:00:00:00:00:01"}, {"ip", nullptr}}})},
             {"vcpus", rng.between(1, 4)},
             {"admin_state", up ? "up" : "down"},
             {"admin_state_source", "admin"},
             {"disk_template", dt},
             {"spindle_use", 1},
             {"memory", mem},
             {"nodes", nodeNames},
             {"os", "debootstrap"}};
  }
  Json nodesJson = Json::object();
  for (int n = 0; n < nodeCount; ++n) {
    const N& nd = nodes[n];
    nodesJson["node" + std::to_string(n)] =
        Json{{"total_memory", nd.totalMem}, {"reserved_memory", 1024},
             {"free_memory", nd.freeMem},   {"total_disk", nd.totalDisk},
             {"free_disk", nd.freeDisk},    {"total_cpus", 8},
             {"reserved_cpus", 1},          {"total_spindles", 12},
             {"free_spindles", 12},         {"i_pri_memory", 0},
             {"i_pri_up_memory", 0},        {"group", "uuid-g" + std::to_string(nd.group)},
             {"tags", Json::array()},       {"offline", nd.offline},
             {"drained", nd.drained},       {"master_candidate", true},
             {"master_capable", true},      {"vm_capable", true},
             {"primary_ip", "192.0.2." + std::to_string(n + 1)},
             {"secondary_ip", "198.51.100." + std::to_string(n + 1)},
             {"ndparams", Json{{"spindle_count", 1}, {"exclusive_storage", false},
                               {"oob_program", nullptr}}}};
  }
  Json c;
  c["version"] = 2;
  c["cluster_name"] = "cluster";
  c["cluster_tags"] = Json::array({"htools:iextags:service"});
  c["enabled_hypervisors"] = Json::array({"xen-pvm"});
  c["ipolicy"] = groups.begin().value()["ipolicy"];
  c["nodegroups"] = groups;
  c["nodes"] = nodesJson;
  c["instances"] = instances;
  return c;
}

Json newInstance(Rng& rng, const std::string& dt) {
  const int disk = 1024 * rng.between(1, 30);
  Json tags = Json::array();
  if (rng.chance(40)) tags.push_back("service:s" + std::to_string(rng.between(0, 2)));
  return Json{{"type", "allocate"},
              {"name", "new1"},
              {"disk_template", dt},
              {"memory", 512 * rng.between(1, 24)},
              {"vcpus", rng.between(1, 4)},
              {"spindle_use", 1},
              {"disks", Json::array({Json{{"size", disk}, {"mode", "rw"}}})},
              {"disk_space_total", dt == "drbd" ? disk + 128 : disk},
              {"required_nodes", dt == "drbd" ? 2 : 1},
              {"tags", tags},
              {"hypervisor", "xen-pvm"},
              {"os", "debootstrap"},
              {"nics", Json::array({Json{{"mac", "aa:00:00:00:00:02"}, {"ip", nullptr}}})}};
}

// The checker's own view of a placed instance.
struct Placed {
  std::string name;
  int mem = 0;
  bool running = true;
  bool drbd = false;
  bool local = false;  // plain, file: re-created elsewhere on failure
  int primary = -1, secondary = -1;
};

struct Checker {
  const alloc::ClusterData& cd;
  std::map<int, long long> freeMem;  // unallocated memory per node
  std::vector<Placed> instances;

  explicit Checker(const alloc::ClusterData& data) : cd(data) {
    for (const auto& [i, n] : cd.nodes) freeMem[i] = n.unallocatedMem();
    for (const auto& [i, inst] : cd.instances) instances.push_back(fromModel(inst));
  }
  static Placed fromModel(const alloc::Instance& inst) {
    Placed p;
    p.name = inst.name;
    p.mem = inst.mem;
    p.running = inst.usesMemory();
    p.drbd = inst.diskTemplate == alloc::DiskTemplate::kDrbd;
    p.local = inst.diskTemplate == alloc::DiskTemplate::kPlain ||
              inst.diskTemplate == alloc::DiskTemplate::kFile;
    p.primary = inst.pNode;
    p.secondary = inst.sNode;
    return p;
  }
  int nodeIndex(const std::string& name) const {
    for (const auto& [i, n] : cd.nodes) {
      if (n.name == name) return i;
    }
    ADD_FAILURE() << "answer names unknown node " << name;
    return -1;
  }
  void place(Placed p) {
    if (p.running) freeMem[p.primary] -= p.mem;
    instances.push_back(std::move(p));
  }
  void move(const std::string& name, int primary, int secondary) {
    for (auto& p : instances) {
      if (p.name != name) continue;
      if (p.running) {
        freeMem[p.primary] += p.mem;
        freeMem[primary] -= p.mem;
      }
      p.primary = primary;
      p.secondary = secondary;
      return;
    }
    ADD_FAILURE() << "answer moves unknown instance " << name;
  }

  // Fails each node in turn: its DRBD primaries go to their secondaries
  // (every target must have room for all that comes to it), and each local
  // instance must fit on some other node of the group left after that.
  std::vector<std::string> n1Violations() const {
    std::vector<std::string> out;
    for (const auto& [f, node] : cd.nodes) {
      std::map<int, long long> after = freeMem;
      for (const auto& p : instances) {
        if (p.primary != f || !p.drbd) continue;
        if (p.running) after[p.secondary] -= p.mem;
        if (after[p.secondary] <= 0) {
          out.push_back("failing " + node.name + ": " + p.name + " does not fit on " +
                        cd.nodes.at(p.secondary).name);
        }
      }
      for (const auto& p : instances) {
        if (p.primary != f || !p.local) continue;
        bool fits = false;
        for (const auto& [t, tn] : cd.nodes) {
          if (t != f && tn.group == node.group && after.at(t) - (p.running ? p.mem : 0) > 0) {
            fits = true;
          }
        }
        if (!fits) out.push_back("failing " + node.name + ": " + p.name + " fits nowhere");
      }
    }
    return out;
  }
};

bool matchesIPolicy(const Json& req, const alloc::IPolicy& pol) {
  const int mem = req["memory"], vcpus = req["vcpus"];
  const int disks = static_cast<int>(req["disks"].size());
  bool any = pol.minMax.empty();
  for (const auto& mm : pol.minMax) {
    bool ok = mem >= mm.min.memorySize && mem <= mm.max.memorySize &&
              vcpus >= mm.min.cpuCount && vcpus <= mm.max.cpuCount &&
              disks >= mm.min.diskCount && disks <= mm.max.diskCount;
    for (const auto& d : req["disks"]) {
      ok = ok && d["size"].get<int>() >= mm.min.diskSize && d["size"].get<int>() <= mm.max.diskSize;
    }
    any = any || ok;
  }
  const auto dt = alloc::diskTemplateFromName(req["disk_template"].get<std::string>());
  return any && std::find(pol.diskTemplates.begin(), pol.diskTemplates.end(), *dt) !=
                    pol.diskTemplates.end();
}

std::set<std::string> exclusionTags(const std::vector<std::string>& tags) {
  std::set<std::string> out;
  for (const auto& t : tags) {
    if (t.rfind("service:", 0) == 0) out.insert(t);
  }
  return out;
}

Json run(const std::string& request) {
  HailAllocator hail(nullptr);
  auto r = hail.run(request, {});
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? Json::parse(*r) : Json();
}

TEST(HailN1Safety, AllocateAnswersKeepN1PolicyAndTags) {
  int allocated = 0;
  for (unsigned seed = 1; seed <= kSeeds; ++seed) {
    Rng rng(seed);
    Json cluster = randomCluster(rng);
    for (const char* dt : {"drbd", "plain"}) {
      SCOPED_TRACE("seed " + std::to_string(seed) + " " + dt);
      Json req = cluster;
      req["request"] = newInstance(rng, dt);
      const std::string text = req.dump();
      auto parsed = alloc::parseRequest(text);
      ASSERT_TRUE(parsed.ok()) << parsed.error().message;
      const alloc::ClusterData& cd = parsed->cluster;
      Checker before(cd);
      const bool cleanBefore = before.n1Violations().empty();
      const Json answer = run(text);
      if (!answer["success"].get<bool>()) continue;
      ++allocated;
      // hail only accepts a placement that keeps the cluster N+1 as a whole.
      EXPECT_TRUE(cleanBefore) << "allocated on a cluster that was not N+1: " << answer.dump();
      Checker after(cd);
      Placed p;
      p.name = "new1";
      p.mem = req["request"]["memory"];
      p.drbd = std::string(dt) == "drbd";
      p.local = !p.drbd;
      p.primary = after.nodeIndex(answer["result"][0]);
      if (p.drbd) {
        ASSERT_EQ(answer["result"].size(), 2u);
        p.secondary = after.nodeIndex(answer["result"][1]);
        EXPECT_NE(p.primary, p.secondary);
        EXPECT_EQ(cd.nodes.at(p.primary).group, cd.nodes.at(p.secondary).group);
      }
      for (int n : {p.primary, p.secondary}) {
        if (n < 0) continue;
        EXPECT_FALSE(cd.nodes.at(n).offline) << cd.nodes.at(n).name << " is offline or drained";
      }
      after.place(p);
      const auto violations = after.n1Violations();
      EXPECT_TRUE(violations.empty()) << violations.front();
      EXPECT_TRUE(matchesIPolicy(req["request"], cd.nodes.at(p.primary).ipolicy));
      // Exclusion tags: no primary instance on the chosen node shares one.
      const auto mine = exclusionTags(req["request"]["tags"].get<std::vector<std::string>>());
      for (const auto& [i, inst] : cd.instances) {
        if (inst.pNode != p.primary) continue;
        for (const auto& t : exclusionTags(inst.allTags)) {
          EXPECT_FALSE(mine.count(t)) << "exclusion tag " << t << " shared with " << inst.name;
        }
      }
    }
  }
  // The seeds must exercise successful placements, not only refusals.
  EXPECT_GE(allocated, kSeeds / 3);
}

TEST(HailN1Safety, NodeEvacuateAnswersAvoidTheNodeAndKeepN1) {
  int moved = 0;
  for (unsigned seed = 1; seed <= kSeeds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Rng rng(seed + 1000);
    Json req = randomCluster(rng);
    // The cluster as loaded (the parser wants some request).
    Json probe = req;
    probe["request"] = newInstance(rng, "plain");
    auto base = alloc::parseRequest(probe.dump());
    ASSERT_TRUE(base.ok()) << base.error().message;
    const alloc::ClusterData& cd = base->cluster;
    const int evacuated = rng.between(0, static_cast<int>(cd.nodes.size()) - 1);
    // Moves away from an offline node skip the soft checks: not this test.
    bool offlineInvolved = cd.nodes.at(evacuated).offline;
    Json names = Json::array();
    for (const auto& [i, inst] : cd.instances) {
      if (inst.pNode != evacuated && inst.sNode != evacuated) continue;
      names.push_back(inst.name);
      for (int n : inst.allNodes()) offlineInvolved = offlineInvolved || cd.nodes.at(n).offline;
    }
    if (names.empty() || offlineInvolved) continue;
    req["request"] = Json{{"type", "node-evacuate"}, {"evac_mode", "all"}, {"instances", names}};
    const Json answer = run(req.dump());
    ASSERT_TRUE(answer["success"].get<bool>());
    Checker before(cd);
    Checker after(cd);
    std::set<int> targets;
    for (const auto& m : answer["result"][0]) {
      ++moved;
      const auto& nodes = m[2];
      const int primary = after.nodeIndex(nodes[0]);
      const int secondary = nodes.size() > 1 ? after.nodeIndex(nodes[1]) : alloc::kNoNode;
      for (int n : {primary, secondary}) {
        if (n < 0) continue;
        EXPECT_NE(n, evacuated) << m.dump();
        EXPECT_FALSE(cd.nodes.at(n).offline) << m.dump();
        // A target already short of memory for its peers is not protected.
        if (!cd.nodes.at(n).failN1) targets.insert(n);
      }
      after.move(m[0], primary, secondary);
    }
    // Moves never break a target that was N+1 before (htools' soft checks):
    // the failure of any node must still fit on targets that were fine.
    const auto old = before.n1Violations();
    for (const auto& v : after.n1Violations()) {
      bool touchesTarget = false;
      for (int t : targets) {
        touchesTarget = touchesTarget || v.find(" on " + cd.nodes.at(t).name) != std::string::npos;
      }
      if (touchesTarget && std::find(old.begin(), old.end(), v) == old.end()) {
        ADD_FAILURE() << "evacuation made a target fail N+1: " << v;
      }
    }
  }
  EXPECT_GT(moved, kSeeds / 4);
}

// The incremental checker against the reference simulation, on every
// single and pair candidate of every seed.
TEST(HailN1Safety, IncrementalCheckAgreesWithFullSimulation) {
  long compared = 0, fast = 0, disagreements = 0;
  for (unsigned seed = 1; seed <= kSeeds; ++seed) {
    Rng rng(seed + 2000);
    Json req = randomCluster(rng);
    const std::string dt = rng.chance(50) ? "drbd" : "plain";
    req["request"] = newInstance(rng, dt);
    auto parsed = alloc::parseRequest(req.dump());
    ASSERT_TRUE(parsed.ok());
    const auto& cd = parsed->cluster;
    const auto& ar = std::get<alloc::AllocateRequest>(parsed->request);
    AllocContext ctx(cd.nodes, cd.instances);
    GlobalN1Checker& checker = ctx.n1();
    const auto& nl = *ctx.base();
    for (const auto& [p, pn] : nl) {
      std::vector<int> secondaries{alloc::kNoNode};
      if (dt == "drbd") {
        secondaries.clear();
        for (const auto& [s, sn] : nl) {
          if (s != p && sn.group == pn.group && secondaries.size() < kPairsPerPrimary) {
            secondaries.push_back(s);
          }
        }
      }
      for (int s : secondaries) {
        AllocElement e;
        e.base = ctx.base();
        e.instance = ar.instance;
        e.instance.pNode = p;
        e.instance.sNode = s;
        auto newP = alloc::addPrimary(pn, e.instance, true);
        if (!newP.ok()) continue;
        e.changed.push_back(newP.value());
        if (s != alloc::kNoNode) {
          auto newS = alloc::addSecondary(nl.at(s), e.instance, p, true);
          if (!newS.ok()) continue;
          e.changed.push_back(newS.value());
        }
        const bool reference = allocGlobalN1(cd.instances, e);
        const bool incremental = checker.check(e);
        ++compared;
        if (reference != incremental) {
          ++disagreements;
          ADD_FAILURE() << "seed " << seed << " candidate " << pn.name << "/" << s
                        << ": reference " << reference << ", incremental " << incremental;
        }
      }
    }
    fast += checker.incremental() ? 1 : 0;
  }
  EXPECT_EQ(disagreements, 0);
  EXPECT_GT(compared, 100);
  // Most seeds are inside the fast model (no exclusive storage or
  // forthcoming instances here).
  EXPECT_GT(fast, kSeeds * 9 / 10);
}

}  // namespace
}  // namespace gantry::plugins::hail
