// Simulated placements on one node (htools' Node.hs: setPri/setSec,
// addPriEx/addSecExEx, removePri/removeSec). The check order decides which
// failure is reported, so it follows htools line by line.
#include "gantry/sdk/allocator/node_ops.h"

#include <algorithm>

namespace gantry::sdk::allocator {
namespace {

using TagMap = std::map<std::string, int>;
using PairMap = std::map<std::pair<std::string, std::string>, int>;

template <typename K>
void addTags(std::map<K, int>& m, const std::vector<K>& keys) {
  for (const auto& k : keys) m[k] += 1;
}

template <typename K>
void delTags(std::map<K, int>& m, const std::vector<K>& keys) {
  for (const auto& k : keys) {
    auto it = m.find(k);
    if (it == m.end()) continue;
    if (it->second > 1) {
      --it->second;
    } else {
      m.erase(it);
    }
  }
}

bool rejectAddTags(const TagMap& m, const std::vector<std::string>& tags) {
  return std::any_of(tags.begin(), tags.end(),
                     [&](const std::string& t) { return m.count(t) > 0; });
}

// Removes the first occurrence, as Haskell's Data.List.delete.
void deleteFirst(std::vector<int>& v, int x) {
  auto it = std::find(v.begin(), v.end(), x);
  if (it != v.end()) v.erase(it);
}

void prepend(std::vector<int>& v, int x) { v.insert(v.begin(), x); }

double computePDsk(int free, double total) { return total == 0 ? 1.0 : free / total; }

double newPDsk(const Node& n, int freeSpindles, int freeDisk) {
  return n.exclStorage ? computePDsk(freeSpindles, n.tSpindles)
                       : computePDsk(freeDisk, n.tDsk);
}

double spindleUse(bool add, const Node& n, double current, const Instance& i) {
  if (n.exclStorage) return 0.0;
  if (!usesLocalStorage(i.diskTemplate)) return current;
  return add ? current + i.spindleUse : current - i.spindleUse;
}

int newFreeSpindles(bool add, const Node& n, int current, const Instance& i) {
  if (!n.exclStorage) return 0;
  auto total = i.totalSpindles();
  if (!total) return add ? -1 : current;
  return add ? current - *total : current + *total;
}

std::vector<std::pair<std::string, std::string>> locationExclusionPairs(
    const Node& p, const Instance& inst) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& loc : p.locationTags) {
    for (const auto& ex : inst.exclTags) out.emplace_back(loc, ex);
  }
  return out;
}

int desiredLocationScore(const Node& p, const Instance& inst) {
  int matched = 0;
  for (const auto& t : inst.desiredLocTags) matched += p.locationTags.count(t) ? 1 : 0;
  return static_cast<int>(inst.desiredLocTags.size()) - matched;
}

DynUtil addUtil(DynUtil a, const DynUtil& b) {
  return {a.cpu + b.cpu, a.mem + b.mem, a.dsk + b.dsk, a.net + b.net};
}
DynUtil subUtil(DynUtil a, const DynUtil& b) {
  return {a.cpu - b.cpu, a.mem - b.mem, a.dsk - b.dsk, a.net - b.net};
}

int maxPeer(const std::map<int, int>& peers) {
  int m = 0;
  for (const auto& [k, v] : peers) m = std::max(m, v);
  return m;
}

}  // namespace

void setPrimary(Node& t, const Instance& inst) {
  if (!inst.forthcoming) {
    prepend(t.pList, inst.idx);
    if (inst.notOffline()) t.uCpu += inst.vcpus;
    t.pCpu = t.uCpu / t.tCpu;
    t.utilLoad = addUtil(t.utilLoad, inst.util);
    t.instSpindles = spindleUse(true, t, t.instSpindles, inst);
    t.locationScore += inst.locationScore + desiredLocationScore(t, inst);
    addTags(t.instanceMap, locationExclusionPairs(t, inst));
  }
  addTags(t.pTags, inst.exclTags);
  prepend(t.pListForth, inst.idx);
  if (inst.notOffline()) t.uCpuForth += inst.vcpus;
  t.pCpuForth = t.uCpuForth / t.tCpu;
  t.utilLoadForth = addUtil(t.utilLoadForth, inst.util);
  if (!inst.usesMemory()) t.fMemForth -= inst.mem;
  t.pMemForth = t.fMemForth / t.tMem;
  t.instSpindlesForth = spindleUse(true, t, t.instSpindlesForth, inst);
  if (inst.forthcoming) {
    if (usesLocalStorage(inst.diskTemplate)) t.fDskForth -= inst.dsk;
    t.fSpindlesForth = newFreeSpindles(true, t, t.fSpindlesForth, inst);
    t.pDskForth = newPDsk(t, t.fSpindlesForth, t.fDskForth);
  }
}

void setSecondary(Node& t, const Instance& inst) {
  if (!inst.forthcoming) {
    prepend(t.sList, inst.idx);
    t.utilLoad.dsk += inst.util.dsk;
    t.instSpindles = spindleUse(true, t, t.instSpindles, inst);
  }
  prepend(t.sListForth, inst.idx);
  t.utilLoadForth.dsk += inst.util.dsk;
  t.instSpindlesForth = spindleUse(true, t, t.instSpindlesForth, inst);
  if (inst.forthcoming) {
    if (usesLocalStorage(inst.diskTemplate)) t.fDskForth -= inst.dsk;
    t.fSpindlesForth = newFreeSpindles(true, t, t.fSpindlesForth, inst);
    t.pDskForth = newPDsk(t, t.fSpindlesForth, t.fDskForth);
  }
}

namespace {
template <typename Instances>
void buildPeersFrom(Node& t, const Instances& il) {
  std::map<int, int> peers;
  for (int i : t.sList) {
    const auto& inst = il.at(i);
    int mem = (inst.usesSecMem() && !inst.forthcoming) ? inst.mem : 0;
    peers[inst.pNode] += mem;
  }
  t.peers = std::move(peers);
  t.rMem = maxPeer(t.peers);
  t.failN1 = t.fMem < t.rMem;
  t.pRem = t.rMem / t.tMem;
}
}  // namespace

void buildPeers(Node& t, const InstanceList& il) { buildPeersFrom(t, il); }

void buildPeers(Node& t, const InstanceIndex& il) { buildPeersFrom(t, il); }

Node removePrimary(const Node& t, const Instance& inst) {
  Node n = t;
  const bool usesDisk = usesLocalStorage(inst.diskTemplate);
  if (!inst.forthcoming) {
    deleteFirst(n.pList, inst.idx);
    if (inst.usesMemory()) n.iMem -= inst.mem;
    int freeMem = n.unallocatedMem();
    n.pMem = freeMem / n.tMem;
    n.failN1 = freeMem <= n.rMem;
    if (usesDisk) n.fDsk += inst.dsk;
    n.fSpindles = newFreeSpindles(false, t, t.fSpindles, inst);
    n.instSpindles = spindleUse(false, t, t.instSpindles, inst);
    n.pDsk = newPDsk(t, n.fSpindles, n.fDsk);
    if (inst.notOffline()) n.uCpu -= inst.vcpus;
    n.pCpu = n.uCpu / n.tCpu;
    n.utilLoad = subUtil(n.utilLoad, inst.util);
    n.locationScore -= inst.locationScore + desiredLocationScore(t, inst);
    delTags(n.instanceMap, locationExclusionPairs(t, inst));
  }
  // The forthcoming twins, computed from the node as it is at this point.
  const Node base = n;
  n.pTags = t.pTags;
  delTags(n.pTags, inst.exclTags);
  deleteFirst(n.pListForth, inst.idx);
  n.fMemForth = base.fMemForth + inst.mem;
  n.fDskForth = usesDisk ? base.fDskForth + inst.dsk : base.fDskForth;
  n.fSpindlesForth = newFreeSpindles(false, base, base.fSpindlesForth, inst);
  n.instSpindlesForth = spindleUse(false, base, base.instSpindlesForth, inst);
  n.pMemForth = n.fMemForth / base.tMem;
  n.pDskForth = newPDsk(base, n.fSpindlesForth, n.fDskForth);
  n.uCpuForth = inst.notOffline() ? base.uCpuForth - inst.vcpus : base.uCpuForth;
  n.pCpuForth = n.uCpuForth / base.tCpu;
  n.utilLoadForth = subUtil(base.utilLoadForth, inst.util);
  return n;
}

Node removeSecondary(const Node& t, const Instance& inst) {
  Node n = t;
  const bool usesDisk = usesLocalStorage(inst.diskTemplate);
  if (!inst.forthcoming) {
    deleteFirst(n.sList, inst.idx);
    if (usesDisk) n.fDsk += inst.dsk;
    n.fSpindles = newFreeSpindles(false, t, t.fSpindles, inst);
    n.instSpindles = spindleUse(false, t, t.instSpindles, inst);
    auto it = t.peers.find(inst.pNode);
    int oldPeem = it == t.peers.end() ? 0 : it->second;
    int newPeem = inst.usesSecMem() ? oldPeem - inst.mem : oldPeem;
    if (newPeem > 0) {
      n.peers[inst.pNode] = newPeem;
    } else {
      n.peers.erase(inst.pNode);
    }
    n.rMem = oldPeem < t.rMem ? t.rMem : maxPeer(n.peers);
    n.pRem = n.rMem / t.tMem;
    n.failN1 = t.unallocatedMem() <= n.rMem;
    n.pDsk = newPDsk(t, n.fSpindles, n.fDsk);
    n.utilLoad.dsk -= inst.util.dsk;
  }
  const Node base = n;
  deleteFirst(n.sListForth, inst.idx);
  n.fDskForth = usesDisk ? base.fDskForth + inst.dsk : base.fDskForth;
  n.fSpindlesForth = newFreeSpindles(false, base, base.fSpindlesForth, inst);
  n.instSpindlesForth = spindleUse(false, base, base.instSpindlesForth, inst);
  n.pDskForth = newPDsk(base, n.fSpindlesForth, n.fDskForth);
  n.utilLoadForth.dsk = base.utilLoadForth.dsk - inst.util.dsk;
  return n;
}

std::optional<FailMode> addPrimaryInto(Node& n, const Node& t, const Instance& inst, bool force) {
  const bool strict = !force;
  const bool usesDisk = usesLocalStorage(inst.diskTemplate);
  const double lCpu = t.ipolicy.vcpuRatio;

  const int newMemForth = t.fMemForth - inst.mem;
  const int newDskForth = usesDisk ? t.fDskForth - inst.dsk : t.fDskForth;
  const int newFreeSpForth = newFreeSpindles(true, t, t.fSpindlesForth, inst);
  const double newInstSpForth = spindleUse(true, t, t.instSpindlesForth, inst);
  const int newUCpuForth = inst.notOffline() ? t.uCpuForth + inst.vcpus : t.uCpuForth;
  const double newPCpuForth = newUCpuForth / t.tCpu;

  auto forthViolation = [&]() -> std::optional<FailMode> {
    if (newMemForth <= 0) return FailMode::kMem;
    if (usesDisk && newDskForth <= 0) return FailMode::kDisk;
    if (usesDisk && newDskForth < t.loDsk) return FailMode::kDisk;
    if (usesDisk && t.exclStorage && newFreeSpForth < 0) return FailMode::kSpindles;
    if (usesDisk && newInstSpForth > t.hiSpindles) return FailMode::kDisk;
    if (lCpu >= 0 && lCpu < newPCpuForth) return FailMode::kCpu;
    return std::nullopt;
  };
  auto applyForth = [&](Node& n) {
    addTags(n.pTags, inst.exclTags);
    prepend(n.pListForth, inst.idx);
    n.fMemForth = newMemForth;
    n.fDskForth = newDskForth;
    n.pMemForth = newMemForth / t.tMem;
    n.pDskForth = newPDsk(t, newFreeSpForth, newDskForth);
    n.uCpuForth = newUCpuForth;
    n.pCpuForth = newPCpuForth;
    n.utilLoadForth = addUtil(t.utilLoadForth, inst.util);
    n.instSpindlesForth = newInstSpForth;
    n.fSpindlesForth = newFreeSpForth;
  };

  if (inst.forthcoming) {
    if (strict) {
      if (auto v = forthViolation()) return *v;
    }
    n = t;
    applyForth(n);
    return std::nullopt;
  }

  const int newIMem = inst.usesMemory() ? t.iMem + inst.mem : t.iMem;
  // unallocatedMem() of the node with iMem = newIMem.
  const int newFreeMem = t.unallocatedMem() - (newIMem - t.iMem);
  const bool newFailN1 = newFreeMem <= t.rMem;
  const int newDsk = usesDisk ? t.fDsk - inst.dsk : t.fDsk;
  const int newFreeSp = newFreeSpindles(true, t, t.fSpindles, inst);
  const double newInstSp = spindleUse(true, t, t.instSpindles, inst);
  const int newUCpu = inst.notOffline() ? t.uCpu + inst.vcpus : t.uCpu;
  const double newPCpu = newUCpu / t.tCpu;

  if (newFreeMem <= 0) return FailMode::kMem;
  if (usesDisk && newDsk <= 0) return FailMode::kDisk;
  if (strict && usesDisk && newDsk < t.loDsk) return FailMode::kDisk;
  if (usesDisk && t.exclStorage && newFreeSp < 0) return FailMode::kSpindles;
  if (strict && usesDisk && newInstSp > t.hiSpindles) return FailMode::kDisk;
  if (strict && newFailN1 && !t.failN1) return FailMode::kMem;
  if (strict && lCpu >= 0 && lCpu < newPCpu) return FailMode::kCpu;
  if (strict && rejectAddTags(t.pTags, inst.exclTags)) return FailMode::kTags;
  if (strict) {
    if (auto v = forthViolation()) return *v;
  }

  n = t;
  prepend(n.pList, inst.idx);
  n.iMem = newIMem;
  n.fDsk = newDsk;
  n.failN1 = newFailN1;
  n.pMem = newFreeMem / t.tMem;
  n.pDsk = newPDsk(t, newFreeSp, newDsk);
  n.uCpu = newUCpu;
  n.pCpu = newPCpu;
  n.utilLoad = addUtil(t.utilLoad, inst.util);
  n.instSpindles = newInstSp;
  n.fSpindles = newFreeSp;
  n.locationScore = t.locationScore + inst.locationScore + desiredLocationScore(t, inst);
  addTags(n.instanceMap, locationExclusionPairs(t, inst));
  applyForth(n);
  return std::nullopt;
}

OpResult<Node> addPrimary(const Node& t, const Instance& inst, bool force) {
  Node n;
  if (auto failure = addPrimaryInto(n, t, inst, force)) return *failure;
  return n;
}

std::optional<FailMode> addSecondaryInto(Node& n, const Node& t, const Instance& inst, int pdx,
                                         bool force, bool ignoreDisks) {
  const bool strict = !force;
  const int neededMem = inst.usesSecMem() ? inst.mem : 0;
  auto pit = t.peers.find(pdx);
  const int newPeem = (pit == t.peers.end() ? 0 : pit->second) + neededMem;

  const int oldMemForth = t.fMemForth;
  const int newDskForth = t.fDskForth - inst.dsk;
  const int newFreeSpForth = newFreeSpindles(true, t, t.fSpindlesForth, inst);
  const double newInstSpForth = spindleUse(true, t, t.instSpindlesForth, inst);

  auto forthViolation = [&]() -> std::optional<FailMode> {
    if (!inst.hasSecondary()) return FailMode::kDisk;
    if (newDskForth <= 0) return FailMode::kDisk;
    if (newDskForth < t.loDsk) return FailMode::kDisk;
    if (t.exclStorage && newFreeSpForth < 0) return FailMode::kSpindles;
    if (newInstSpForth > t.hiSpindles) return FailMode::kDisk;
    if (neededMem >= oldMemForth) return FailMode::kMem;
    return std::nullopt;
  };
  auto applyForth = [&](Node& n) {
    prepend(n.sListForth, inst.idx);
    n.fDskForth = newDskForth;
    n.pDskForth = newPDsk(t, newFreeSpForth, newDskForth);
    n.utilLoadForth.dsk = t.utilLoadForth.dsk + inst.util.dsk;
    n.instSpindlesForth = newInstSpForth;
    n.fSpindlesForth = newFreeSpForth;
  };

  if (inst.forthcoming) {
    if (strict) {
      if (auto v = forthViolation()) return *v;
    }
    n = t;
    applyForth(n);
    return std::nullopt;
  }

  const int oldMem = t.unallocatedMem();
  const int newDsk = t.fDsk - inst.dsk;
  const int newFreeSp = newFreeSpindles(true, t, t.fSpindles, inst);
  const double newInstSp = spindleUse(true, t, t.instSpindles, inst);
  const int newRMem = std::max(t.rMem, newPeem);
  const bool newFailN1 = oldMem <= newRMem;

  if (!inst.hasSecondary()) return FailMode::kDisk;
  if (!ignoreDisks && newDsk <= 0) return FailMode::kDisk;
  if (strict && newDsk < t.loDsk) return FailMode::kDisk;
  if (t.exclStorage && newFreeSp < 0) return FailMode::kSpindles;
  if (strict && newInstSp > t.hiSpindles) return FailMode::kDisk;
  if (strict && neededMem >= oldMem) return FailMode::kMem;
  if (strict && newFailN1 && !t.failN1) return FailMode::kMem;
  if (strict) {
    if (auto v = forthViolation()) return *v;
  }

  n = t;
  prepend(n.sList, inst.idx);
  n.fDsk = newDsk;
  n.peers[pdx] = newPeem;
  n.failN1 = newFailN1;
  n.rMem = newRMem;
  n.pDsk = newPDsk(t, newFreeSp, newDsk);
  n.pRem = newRMem / t.tMem;
  n.utilLoad.dsk = t.utilLoad.dsk + inst.util.dsk;
  n.instSpindles = newInstSp;
  n.fSpindles = newFreeSp;
  applyForth(n);
  return std::nullopt;
}

OpResult<Node> addSecondary(const Node& t, const Instance& inst, int pdx, bool force,
                            bool ignoreDisks) {
  Node n;
  if (auto failure = addSecondaryInto(n, t, inst, pdx, force, ignoreDisks)) return *failure;
  return n;
}

namespace {

// htools' instCompareISpec: `which` is −1 for the min spec (fails when
// below) and +1 for the max spec (fails when above).
std::optional<FailMode> compareISpec(int which, const Instance& inst, const ISpec& spec,
                                     bool exclStorage) {
  auto cmp = [](int a, int b) { return a < b ? -1 : (a > b ? 1 : 0); };
  if (cmp(inst.mem, spec.memorySize) == which) return FailMode::kMem;
  for (const auto& d : inst.disks) {
    if (cmp(d.size, spec.diskSize) == which) return FailMode::kDisk;
  }
  if (cmp(inst.vcpus, spec.cpuCount) == which) return FailMode::kCpu;
  if (exclStorage) {
    auto total = inst.totalSpindles();
    if (!total || cmp(*total, spec.spindleUse) == which) return FailMode::kSpindles;
  } else if (cmp(inst.spindleUse, spec.spindleUse) == which) {
    return FailMode::kSpindles;
  }
  if (inst.diskTemplate != DiskTemplate::kDiskless &&
      cmp(static_cast<int>(inst.disks.size()), spec.diskCount) == which) {
    return FailMode::kDiskCount;
  }
  return std::nullopt;
}

}  // namespace

OpResult<bool> matchesPolicy(const Instance& inst, const IPolicy& policy,
                             bool exclStorage) {
  if (!policy.minMax.empty()) {
    std::optional<FailMode> firstFailure;
    bool matched = false;
    for (const auto& mm : policy.minMax) {
      auto f = compareISpec(-1, inst, mm.min, exclStorage);
      if (!f) f = compareISpec(1, inst, mm.max, exclStorage);
      if (!f) {
        matched = true;
        break;
      }
      if (!firstFailure) firstFailure = f;
    }
    if (!matched) return *firstFailure;
  }
  if (std::find(policy.diskTemplates.begin(), policy.diskTemplates.end(),
                inst.diskTemplate) == policy.diskTemplates.end()) {
    return FailMode::kDisk;
  }
  return true;
}

OpResult<bool> checkMigration(const Node& source, const Node& target) {
  for (const auto& t : source.migTags) {
    if (!target.rmigTags.count(t)) return FailMode::kMig;
  }
  return true;
}

int instanceLocationScore(const Node& primary, const Node* secondary) {
  if (!secondary) return 0;
  int n = 0;
  for (const auto& t : primary.locationTags) n += secondary->locationTags.count(t) ? 1 : 0;
  return n;
}

}  // namespace gantry::sdk::allocator
