// Cluster model: derived values and the load step (htools' Loader.hs
// mergeData and updateMissing, Node.create).
#include "gantry/sdk/allocator/model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "gantry/sdk/allocator/node_ops.h"

namespace gantry::sdk::allocator {
namespace {

constexpr std::string_view kExclPrefix = "htools:iextags:";
constexpr std::string_view kDesiredPrefix = "htools:desiredlocation:";
constexpr std::string_view kLocationPrefix = "htools:nlocation:";
constexpr std::string_view kMigrationPrefix = "htools:migration:";
constexpr std::string_view kAllowMigrationPrefix = "htools:allowmigration:";

bool startsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}

// Non-empty remainders of the cluster tags carrying `prefix`.
std::vector<std::string> prefixedValues(const std::vector<std::string>& tags,
                                        std::string_view prefix) {
  std::vector<std::string> out;
  for (const auto& t : tags) {
    if (startsWith(t, prefix) && t.size() > prefix.size()) {
      out.push_back(t.substr(prefix.size()));
    }
  }
  return out;
}

// Node tags `<p>:*` for every cluster tag `<prefix><p>` (htools' getTags).
std::set<std::string> prefixedNodeTags(const std::vector<std::string>& clusterTags,
                                       std::string_view prefix,
                                       const std::vector<std::string>& nodeTags) {
  std::set<std::string> out;
  for (const auto& ct : clusterTags) {
    if (!startsWith(ct, prefix)) continue;
    std::string p = ct.substr(prefix.size()) + ":";
    for (const auto& nt : nodeTags) {
      if (startsWith(nt, p)) out.insert(nt);
    }
  }
  return out;
}

// `htools:allowmigration:<x>::<y>` pairs; y must not contain "::".
std::vector<std::pair<std::string, std::string>> allowedMigrations(
    const std::vector<std::string>& clusterTags) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& ct : clusterTags) {
    if (!startsWith(ct, kAllowMigrationPrefix)) continue;
    std::string rest = ct.substr(kAllowMigrationPrefix.size());
    auto pos = rest.find("::");
    if (pos == std::string::npos) continue;
    std::string tail = rest.substr(pos + 2);
    if (tail.find("::") != std::string::npos) continue;
    out.emplace_back(rest.substr(0, pos), tail);
  }
  return out;
}

// The longest ".x.y" suffix shared by every name (htools' longestDomain).
std::string commonSuffix(const std::vector<std::string>& names) {
  if (names.empty()) return "";
  const std::string& first = names.front();
  for (std::size_t i = 0; i < first.size(); ++i) {
    if (first[i] != '.') continue;
    std::string_view suffix(first.data() + i, first.size() - i);
    bool all = true;
    for (std::size_t k = 1; k < names.size() && all; ++k) {
      const auto& n = names[k];
      all = n.size() >= suffix.size() &&
            n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0;
    }
    if (all) return std::string(suffix);
  }
  return "";
}

std::string chompSuffix(const std::string& name, const std::string& suffix) {
  if (!suffix.empty() && name.size() >= suffix.size() &&
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return name.substr(0, name.size() - suffix.size());
  }
  return name;
}

double computePDsk(int free, double total) { return total == 0 ? 1.0 : free / total; }

long long floorDiv(long long a, long long b) {
  long long q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

bool Instance::usesMemory() const {
  if (forthcoming) return false;
  switch (runState) {
    case RunState::kAdminDown:
    case RunState::kAdminOffline:
    case RunState::kErrorDown:
    case RunState::kUserDown:
      return false;
    default:
      return true;
  }
}

std::optional<int> Instance::totalSpindles() const {
  int total = 0;
  for (const auto& d : disks) {
    if (!d.spindles) return std::nullopt;
    total += *d.spindles;
  }
  return total;
}

std::vector<int> Instance::allNodes() const {
  if (diskTemplate == DiskTemplate::kDrbd) return {pNode, sNode};
  return {pNode};
}

int Node::recordedFreeMem() const {
  return static_cast<int>(std::trunc(tMem)) - nMem - iMem;
}

int Node::unallocatedMem() const { return recordedFreeMem() - std::max(0, xMem); }

int Node::usedDisk() const { return static_cast<int>(std::trunc(tDsk)) - fDsk; }

int Node::conflictingPrimaries() const {
  int sum = 0;
  for (const auto& [tag, count] : pTags) sum += count;
  return sum - static_cast<int>(pTags.size());
}

Node createNode(std::string name, double tMem, int nMem, int fMem, double tDsk,
                int fDsk, double tCpu, int nCpu, bool offline, int tSpindles,
                int fSpindles, int group, bool exclStorage) {
  Node n;
  n.alias = name;
  n.name = std::move(name);
  n.tMem = tMem;
  n.nMem = nMem;
  n.fMem = n.fMemForth = fMem;
  n.tDsk = tDsk;
  n.fDsk = n.fDskForth = fDsk;
  n.tCpu = tCpu;
  n.nCpu = n.uCpu = n.uCpuForth = nCpu;
  n.tSpindles = tSpindles;
  n.fSpindles = n.fSpindlesForth = fSpindles;
  n.pMemForth = fMem / tMem;
  n.pDsk = n.pDskForth = exclStorage ? computePDsk(fSpindles, tSpindles)
                                     : computePDsk(fDsk, tDsk);
  n.pCpu = n.pCpuForth = nCpu / tCpu;
  n.offline = offline;
  n.group = group;
  n.exclStorage = exclStorage;
  n.loDsk = 0;  // reserved disk ratio 0: floor(0 * tDsk)
  setNodePolicy(n, defaultIPolicy());
  return n;
}

void setNodePolicy(Node& node, const IPolicy& policy) {
  node.ipolicy = policy;
  node.hiCpu = static_cast<int>(std::floor(policy.vcpuRatio * node.tCpu));
  node.hiSpindles = policy.spindleRatio * node.tSpindles;
}

std::vector<std::string> exclusionPrefixes(const std::vector<std::string>& clusterTags) {
  return prefixedValues(clusterTags, kExclPrefix);
}

std::vector<std::string> desiredLocationPrefixes(
    const std::vector<std::string>& clusterTags) {
  return prefixedValues(clusterTags, kDesiredPrefix);
}

void applyInstanceTagRules(Instance& inst, const std::vector<std::string>& exclPrefixes,
                           const std::vector<std::string>& desiredPrefixes) {
  auto matches = [](const std::string& tag, const std::vector<std::string>& ps) {
    return std::any_of(ps.begin(), ps.end(),
                       [&](const std::string& p) { return startsWith(tag, p); });
  };
  inst.exclTags.clear();
  inst.desiredLocTags.clear();
  for (const auto& t : inst.allTags) {
    if (matches(t, exclPrefixes)) inst.exclTags.push_back(t);
    if (matches(t, desiredPrefixes)) inst.desiredLocTags.insert(t);
  }
}

std::set<std::string> locationTagsOf(const std::vector<std::string>& clusterTags,
                                     const std::vector<std::string>& nodeTags) {
  return prefixedNodeTags(clusterTags, kLocationPrefix, nodeTags);
}

std::vector<std::string> finalizeCluster(ClusterData& data, const LoadOptions& options) {
  auto& nl = data.nodes;
  auto& il = data.instances;
  if (options.ignoreDynUtil) {
    for (auto& [i, inst] : il) inst.util = DynUtil{};
  }
  const auto excl = exclusionPrefixes(data.tags);
  const auto desired = desiredLocationPrefixes(data.tags);
  std::vector<std::string> names;
  for (const auto& [i, n] : nl) names.push_back(n.name);
  for (const auto& [i, inst] : il) names.push_back(inst.name);
  const std::string suffix = commonSuffix(names);

  for (auto& [i, inst] : il) {
    inst.alias = chompSuffix(inst.name, suffix);
    applyInstanceTagRules(inst, excl, desired);
  }
  for (auto& [i, n] : nl) n.locationTags = locationTagsOf(data.tags, n.tags);
  // Nodes by index without a tree walk per lookup (two per instance).
  const IndexedList<NodeList> nodeAt(nl);
  for (auto& [i, inst] : il) {
    Node& primary = nodeAt.at(inst.pNode);
    Node* secondary = nodeAt.find(inst.sNode);
    inst.locationScore = instanceLocationScore(primary, secondary);
    setPrimary(primary, inst);
    if (inst.sNode != kNoNode) setSecondary(nodeAt.at(inst.sNode), inst);
  }
  // Instances by index without a tree walk per lookup: on 20,000 instances
  // the walks' cache misses were a good part of the load.
  const InstanceIndex byIdx(il);
  const auto migrations = allowedMigrations(data.tags);
  for (auto& [i, n] : nl) {
    buildPeers(n, byIdx);
    n.alias = chompSuffix(n.name, suffix);
    if (n.group >= 0 && n.group < static_cast<int>(data.groups.size())) {
      setNodePolicy(n, data.groups[n.group].ipolicy);
    }
    n.migTags = prefixedNodeTags(data.tags, kMigrationPrefix, n.tags);
    n.rmigTags.clear();
    for (const auto& t : n.migTags) {
      n.rmigTags.insert(t);
      for (const auto& [x, y] : migrations) {
        if (y == t) n.rmigTags.insert(x);
      }
    }
  }

  // updateMissing: KVM memory override, then memory statistics.
  std::vector<std::string> warnings;
  for (auto& [i, n] : nl) {
    if (options.staticKvmNodeMemory > 0 && n.hypervisor && *n.hypervisor == "kvm") {
      n.nMem = options.staticKvmNodeMemory;
    }
    int imem = 0;
    long long idsk = 0;
    for (int p : n.pList) {
      const auto& inst = byIdx.at(p);
      if (inst.usesMemory()) imem += inst.mem;
      idsk += inst.dsk;
    }
    for (int s : n.sList) idsk += byIdx.at(s).dsk;
    n.iMem = imem;
    n.xMem = n.recordedFreeMem() - n.fMem;
    n.pMem = n.unallocatedMem() / n.tMem;
    long long deltaDsk = static_cast<long long>(std::trunc(n.tDsk)) - n.fDsk - idsk;
    if (n.xMem > 512 || deltaDsk > 1024) {
      char buf[512];
      std::snprintf(buf, sizeof buf, "node %s is missing %d MB ram and %lld GB disk",
                    n.name.c_str(), n.xMem, floorDiv(deltaDsk, 1024));
      warnings.push_back(buf);
    }
  }
  // htools builds the list by prepending: last node first.
  std::reverse(warnings.begin(), warnings.end());
  return warnings;
}

std::vector<std::pair<int, std::vector<int>>> nodesByGroup(const NodeList& nodes) {
  std::map<int, std::vector<int>> byGroup;
  for (const auto& [i, n] : nodes) byGroup[n.group].push_back(i);
  return {byGroup.begin(), byGroup.end()};
}

namespace {
template <typename Map>
const typename Map::mapped_type* findByName(const Map& items, std::string_view name,
                                            std::string* error) {
  const typename Map::mapped_type* found = nullptr;
  int count = 0;
  for (const auto& [i, item] : items) {
    if (item.name == name || item.alias == name) {
      found = &item;
      ++count;
    }
  }
  if (count != 1) {
    if (error) *error = "Wrong number of elems found with name " + std::string(name);
    return nullptr;
  }
  return found;
}
}  // namespace

const Node* findNodeByName(const NodeList& nodes, std::string_view name,
                           std::string* error) {
  return findByName(nodes, name, error);
}

const Instance* findInstanceByName(const InstanceList& instances, std::string_view name,
                                   std::string* error) {
  return findByName(instances, name, error);
}

const Group* findGroupByName(const std::vector<Group>& groups, std::string_view name,
                             std::string* error) {
  const Group* found = nullptr;
  int count = 0;
  for (const auto& g : groups) {
    if (g.name == name || g.uuid == name) {
      found = &g;
      ++count;
    }
  }
  if (count != 1) {
    if (error) *error = "Wrong number of elems found with name " + std::string(name);
    return nullptr;
  }
  return found;
}

}  // namespace gantry::sdk::allocator
