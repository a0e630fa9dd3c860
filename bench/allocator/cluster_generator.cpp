// Placement while generating keeps every node N+1 clean (free memory above
// what any single peer's failover needs) with headroom, so that allocations
// with capacity checks can succeed, as on a healthy production cluster.
#include "cluster_generator.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>

namespace gantry::bench::allocator {
namespace {

using Json = nlohmann::ordered_json;

struct NodeModel {
  int memoryMb;
  int diskMb;
  int cpus;
};

// Three hardware generations.
constexpr NodeModel kModels[] = {
    {131072, 4 * 1024 * 1024, 32},
    {262144, 8 * 1024 * 1024, 48},
    {524288, 16 * 1024 * 1024, 64},
};
constexpr int kReservedMb = 4096;  // dom0 / host memory
constexpr int kMemSizes[] = {2048, 4096, 4096, 8192, 8192, 16384, 32768};
constexpr int kDiskSizes[] = {20480, 51200, 102400, 204800};
constexpr int kCpuSizes[] = {1, 2, 2, 4, 8};
constexpr const char* kServices[] = {"web", "db", "cache", "queue", "search", "batch",
                                     "ldap", "mail", "dns", "build"};

Json ispec(int mem, int cpu, int disk, int dcount, int nics, int spindles) {
  Json j;
  j["memory-size"] = mem;
  j["cpu-count"] = cpu;
  j["disk-size"] = disk;
  j["disk-count"] = dcount;
  j["nic-count"] = nics;
  j["spindle-use"] = spindles;
  return j;
}

Json ipolicy() {
  Json p;
  p["std"] = ispec(4096, 2, 51200, 1, 1, 1);
  p["minmax"] = Json::array(
      {Json{{"min", ispec(128, 1, 1024, 1, 1, 1)}, {"max", ispec(65536, 16, 1048576, 8, 8, 8)}}});
  p["vcpu-ratio"] = 4.0;
  p["spindle-ratio"] = 32.0;
  p["disk-templates"] = Json::array({"drbd", "plain", "file", "sharedfile", "rbd", "diskless"});
  return p;
}

std::string numbered(const char* prefix, int i, int width) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s%0*d", prefix, width, i);
  return buf;
}

struct NodeState {
  NodeModel model;
  int group = 0;
  long long freeMem = 0;
  long long freeDisk = 0;
  int usedCpus = 0;
  std::map<int, long long> peers;  // primary node -> memory it fails over here
  bool drained = false;
  long long reservedForPeers() const {
    long long m = 0;
    for (const auto& [p, mem] : peers) m = std::max(m, mem);
    return m;
  }
};

}  // namespace

Json newInstanceRequest(const std::string& name, const std::string& diskTemplate) {
  Json r;
  r["type"] = "allocate";
  r["name"] = name;
  r["disk_template"] = diskTemplate;
  r["memory"] = 4096;
  r["vcpus"] = 2;
  r["spindle_use"] = 1;
  r["disks"] = Json::array({Json{{"size", 51200}, {"mode", "rw"}, {"spindles", 1}}});
  r["disk_space_total"] = diskTemplate == "drbd" ? 51200 + 128 : 51200;
  r["required_nodes"] = diskTemplate == "drbd" ? 2 : 1;
  r["tags"] = Json::array();
  r["hypervisor"] = "kvm";
  r["os"] = "debootstrap+default";
  r["nics"] = Json::array({Json{{"mac", "aa:00:00:00:00:01"}, {"ip", nullptr}, {"mode", "bridged"},
                                {"link", "br0"}, {"bridge", "br0"}, {"network", nullptr}}});
  return r;
}

GeneratedCluster generateCluster(int nodeCount, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
  GeneratedCluster out;

  // Rack-sized groups of 24..64 nodes (the last one takes the rest).
  std::vector<int> groupOf(nodeCount);
  std::vector<std::vector<int>> members;
  for (int i = 0; i < nodeCount;) {
    int size = nodeCount <= 64 ? nodeCount : 24 + pick(41);
    size = std::min(size, nodeCount - i);
    if (nodeCount - i - size > 0 && nodeCount - i - size < 8) size = nodeCount - i;
    members.emplace_back();
    for (int k = 0; k < size; ++k, ++i) {
      groupOf[i] = static_cast<int>(members.size()) - 1;
      members.back().push_back(i);
    }
  }
  out.groups = static_cast<int>(members.size());

  std::vector<NodeState> nodes(nodeCount);
  for (int g = 0; g < out.groups; ++g) {
    const int main = pick(3);
    for (int n : members[g]) {
      nodes[n].model = kModels[pick(10) < 8 ? main : pick(3)];
      nodes[n].group = g;
      nodes[n].freeMem = nodes[n].model.memoryMb - kReservedMb;
      nodes[n].freeDisk = nodes[n].model.diskMb;
      nodes[n].drained = pick(100) == 0;
    }
  }

  Json instances = Json::object();
  out.instancesOfNode.resize(nodeCount);
  const int target = nodeCount * 4;
  int made = 0;
  for (int attempt = 0; made < target && attempt < target * 20; ++attempt) {
    const bool drbd = pick(10) < 7;
    const int mem = kMemSizes[pick(7)];
    const int disk = kDiskSizes[pick(4)];
    const int vcpus = kCpuSizes[pick(5)];
    const int p = pick(nodeCount);
    NodeState& pn = nodes[p];
    if (pn.drained) continue;
    // Keep a quarter of each node's memory free beyond its N+1 reserve.
    const long long slack = pn.model.memoryMb / 4;
    if (pn.freeMem - mem - pn.reservedForPeers() < slack) continue;
    if (pn.freeDisk - disk < pn.model.diskMb / 5) continue;
    int s = -1;
    if (drbd) {
      const auto& group = members[pn.group];
      if (group.size() < 2) continue;
      s = group[pick(static_cast<int>(group.size()))];
      NodeState& sn = nodes[s];
      if (s == p || sn.drained) continue;
      const long long newPeer = (sn.peers.count(p) ? sn.peers[p] : 0) + mem;
      if (sn.freeMem - std::max(sn.reservedForPeers(), newPeer) < sn.model.memoryMb / 4) continue;
      if (sn.freeDisk - disk < sn.model.diskMb / 5) continue;
      sn.peers[p] = newPeer;
      sn.freeDisk -= disk + 128;
    }
    pn.freeMem -= mem;
    pn.freeDisk -= drbd ? disk + 128 : disk;
    pn.usedCpus += vcpus;

    const std::string name = numbered("inst", made, 6) + ".example.com";
    Json inst;
    inst["disks"] = Json::array({Json{{"size", disk}, {"mode", "rw"}, {"spindles", 1}}});
    inst["disk_space_total"] = drbd ? disk + 128 : disk;
    inst["hypervisor"] = "kvm";
    Json tags = Json::array();
    if (pick(10) < 3) tags.push_back(std::string("service:") + kServices[pick(10)]);
    inst["tags"] = tags;
    inst["nics"] = Json::array({Json{{"mac", "aa:00:00:00:00:02"}, {"ip", nullptr},
                                     {"mode", "bridged"}, {"link", "br0"}, {"bridge", "br0"},
                                     {"network", nullptr}}});
    inst["vcpus"] = vcpus;
    inst["admin_state"] = "up";
    inst["admin_state_source"] = "admin";
    inst["disk_template"] = drbd ? "drbd" : "plain";
    inst["spindle_use"] = 1;
    inst["memory"] = mem;
    Json nodeNames = Json::array({numbered("node", p, 5) + ".example.com"});
    if (drbd) nodeNames.push_back(numbered("node", s, 5) + ".example.com");
    inst["nodes"] = nodeNames;
    inst["os"] = "debootstrap+default";
    instances[name] = inst;
    out.instanceNames.push_back(name);
    out.instancesOfNode[p].push_back(name);
    if (s >= 0) out.instancesOfNode[s].push_back(name);
    ++made;
  }
  out.instances = made;

  Json groups = Json::object();
  for (int g = 0; g < out.groups; ++g) {
    Json grp;
    grp["name"] = numbered("rack", g, 3);
    grp["alloc_policy"] = "preferred";
    grp["networks"] = Json::array();
    grp["ipolicy"] = ipolicy();
    grp["tags"] = Json::array();
    groups[numbered("uuid-rack-", g, 3)] = grp;
  }
  Json nodesJson = Json::object();
  for (int n = 0; n < nodeCount; ++n) {
    const NodeState& st = nodes[n];
    const std::string name = numbered("node", n, 5) + ".example.com";
    out.nodeNames.push_back(name);
    Json j;
    j["total_memory"] = st.model.memoryMb;
    j["reserved_memory"] = kReservedMb;
    j["free_memory"] = st.freeMem;
    j["total_disk"] = st.model.diskMb;
    j["free_disk"] = st.freeDisk;
    j["total_cpus"] = st.model.cpus;
    j["reserved_cpus"] = 1;
    j["total_spindles"] = 12;
    j["free_spindles"] = 12;
    j["i_pri_memory"] = st.model.memoryMb - kReservedMb - st.freeMem;
    j["i_pri_up_memory"] = st.model.memoryMb - kReservedMb - st.freeMem;
    j["group"] = numbered("uuid-rack-", st.group, 3);
    j["tags"] = Json::array();
    j["offline"] = false;
    j["drained"] = st.drained;
    j["master_candidate"] = n < 10;
    j["master_capable"] = true;
    j["vm_capable"] = true;
    j["primary_ip"] = "10.0." + std::to_string(n / 250) + "." + std::to_string(n % 250 + 1);
    j["secondary_ip"] = "10.1." + std::to_string(n / 250) + "." + std::to_string(n % 250 + 1);
    j["ndparams"] = Json{{"spindle_count", 1}, {"exclusive_storage", false},
                         {"oob_program", nullptr}};
    nodesJson[name] = j;
  }

  Json& b = out.base;
  b["version"] = 2;
  b["cluster_name"] = "bench.example.com";
  b["cluster_tags"] = Json::array({"htools:iextags:service"});
  b["enabled_hypervisors"] = Json::array({"kvm"});
  b["ipolicy"] = ipolicy();
  b["nodegroups"] = groups;
  b["nodes"] = nodesJson;
  b["instances"] = instances;
  return out;
}

std::string allocateRequest(const GeneratedCluster& c, const std::string& diskTemplate) {
  Json j = c.base;
  j["request"] = newInstanceRequest("new-instance.example.com", diskTemplate);
  return j.dump();
}

std::string multiAllocateRequest(const GeneratedCluster& c, int count) {
  Json j = c.base;
  Json list = Json::array();
  for (int i = 0; i < count; ++i) {
    list.push_back(newInstanceRequest(numbered("new", i, 3) + ".example.com", "drbd"));
  }
  j["request"] = Json{{"type", "multi-allocate"}, {"instances", list}};
  return j.dump();
}

std::string nodeEvacuateRequest(const GeneratedCluster& c, int nodeIndex) {
  Json j = c.base;
  j["request"] = Json{{"type", "node-evacuate"},
                      {"evac_mode", "all"},
                      {"instances", c.instancesOfNode.at(nodeIndex)}};
  return j.dump();
}

}  // namespace gantry::bench::allocator
