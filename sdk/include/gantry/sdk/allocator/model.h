// The cluster model an allocator works on: groups, nodes and instances with
// the derived per-node values exactly as Ganeti's htools computes them
// (memory, disk, CPU, spindles, peers, N+1 state, tags, locations).
//
// Indices: groups, nodes and instances are numbered 0.. in input order and
// that order drives every tie-break. Node and instance lists are maps keyed
// by index so that subsets (one group's nodes) keep their keys.
// Since ABI 1.0.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gantry/sdk/allocator/types.h"

namespace gantry::sdk::allocator {

/// Index of "no node" (e.g. the secondary of a non-DRBD instance).
inline constexpr int kNoNode = -1;

struct Group {
  std::string name;
  std::string uuid;
  int idx = 0;
  AllocPolicy allocPolicy = AllocPolicy::kPreferred;
  std::vector<std::string> networks;  // network uuids
  IPolicy ipolicy;
  std::vector<std::string> tags;
};

struct Disk {
  int size = 0;
  std::optional<int> spindles;
};

struct Nic {
  std::optional<std::string> mac, ip, mode, link, bridge, network;
};

struct Instance {
  std::string name;
  std::string alias;  // name minus the cluster-wide common domain suffix
  int idx = -1;
  int mem = 0;        // maxmem, MiB
  int dsk = 0;        // disk_space_total, MiB
  std::vector<Disk> disks;
  int vcpus = 0;
  RunState runState = RunState::kRunning;
  int pNode = kNoNode;
  int sNode = kNoNode;
  DynUtil util{1, 1, 1, 1};
  bool movable = true;
  bool autoBalance = true;
  DiskTemplate diskTemplate = DiskTemplate::kPlain;
  int spindleUse = 0;
  std::vector<std::string> allTags;
  std::vector<std::string> exclTags;      // exclusion tags (5.3)
  std::set<std::string> desiredLocTags;   // desired-location tags
  int locationScore = 0;                  // |loc(p) ∩ loc(s)|
  std::vector<Nic> nics;
  bool forthcoming = false;

  bool isOffline() const { return runState == RunState::kAdminOffline; }
  bool notOffline() const { return !isOffline(); }
  /// Whether the instance occupies memory on its primary right now.
  bool usesMemory() const;
  /// Whether a secondary must reserve memory for a failover.
  bool usesSecMem() const { return notOffline() && autoBalance; }
  bool hasSecondary() const { return diskTemplate == DiskTemplate::kDrbd; }
  /// Σ disk spindles, nullopt if any disk lacks the value.
  std::optional<int> totalSpindles() const;
  /// [pNode] or [pNode, sNode] for DRBD.
  std::vector<int> allNodes() const;
};

/// Node resources and their derived values; field names follow htools
/// (see the IAllocator reference, section 5.2).
struct Node {
  std::string name;
  std::string alias;
  int idx = -1;
  int group = 0;
  double tMem = 0;       // total memory
  int nMem = 0;          // node (dom0) memory
  int iMem = 0;          // memory of running primaries
  int xMem = 0;          // unaccounted memory, fixed at load
  int fMem = 0;          // reported free memory
  int fMemForth = 0;
  double tDsk = 0;
  int fDsk = 0;
  int fDskForth = 0;
  double tCpu = 0;
  double tCpuSpeed = 1;
  int nCpu = 0;          // reserved CPUs
  int uCpu = 0;          // used CPUs (reserved + vcpus of primaries)
  int uCpuForth = 0;
  int tSpindles = 0;
  int fSpindles = 0;
  int fSpindlesForth = 0;
  std::vector<int> pList, pListForth, sList, sListForth;  // newest first
  std::map<int, int> peers;  // primary node -> memory its instances need here
  bool failN1 = true;
  bool failN1Forth = true;
  int rMem = 0;          // max over peers
  int rMemForth = 0;
  double pMem = 0, pMemForth = 0, pDsk = 0, pDskForth = 0;
  double pRem = 0, pRemForth = 0, pCpu = 0, pCpuForth = 0;
  int loDsk = 0;
  int hiCpu = 0;
  double hiSpindles = 0;
  double instSpindles = 0;
  double instSpindlesForth = 0;
  bool offline = false;  // offline for htools: not live, or drained
  bool isMaster = false;
  std::vector<std::string> tags;
  DynUtil utilPool{1, 1, 1, 1};
  DynUtil utilLoad{};
  DynUtil utilLoadForth{};
  std::map<std::string, int> pTags;  // exclusion tags of primaries (multiset)
  IPolicy ipolicy;
  bool exclStorage = false;
  std::set<std::string> migTags, rmigTags, locationTags;
  int locationScore = 0;
  std::map<std::pair<std::string, std::string>, int> instanceMap;
  std::optional<std::string> hypervisor;

  /// trunc(tMem) − nMem − iMem.
  int recordedFreeMem() const;
  /// recordedFreeMem − max(0, xMem): memory htools considers free (uMem).
  int unallocatedMem() const;
  /// trunc(tDsk) − fDsk.
  int usedDisk() const;
  /// Σ over the node's exclusion tags of (#primaries carrying it − 1).
  int conflictingPrimaries() const;
};

/// Creates a node as htools' Node.create does; derived values get their
/// load-time defaults (policy: the default one until the group's is set).
Node createNode(std::string name, double tMem, int nMem, int fMem, double tDsk,
                int fDsk, double tCpu, int nCpu, bool offline, int tSpindles,
                int fSpindles, int group, bool exclStorage);
/// Applies a group policy to a node (hiCpu, hiSpindles).
void setNodePolicy(Node& node, const IPolicy& policy);

using NodeList = std::map<int, Node>;
using InstanceList = std::map<int, Instance>;

/// The whole cluster as an allocator sees it.
struct ClusterData {
  std::vector<Group> groups;  // position == idx
  NodeList nodes;
  InstanceList instances;
  std::vector<std::string> tags;  // cluster tags
  IPolicy ipolicy;                // cluster policy (informational)
};

/// Options of the load step (mergeData + updateMissing in htools).
struct LoadOptions {
  /// nMem := this on KVM nodes when > 0 (hail's --static-kvm-node-memory).
  int staticKvmNodeMemory = 0;
  /// Zero every instance's utilisation (--ignore-dynu).
  bool ignoreDynUtil = false;
};

/// Derives every node value from freshly parsed groups/nodes/instances:
/// aliases, tags, location scores, primary/secondary lists, peers, N+1
/// state, group policies, migration tags, memory statistics. Returns the
/// "inconsistent data" warnings (`node n is missing X MB ram and Y GB disk`),
/// reverse index order. Nodes and instances must reference valid indices.
std::vector<std::string> finalizeCluster(ClusterData& data,
                                         const LoadOptions& options);

/// Exclusion-tag prefixes from cluster tags (`htools:iextags:<p>`).
std::vector<std::string> exclusionPrefixes(const std::vector<std::string>& clusterTags);
/// Desired-location prefixes (`htools:desiredlocation:<p>`).
std::vector<std::string> desiredLocationPrefixes(
    const std::vector<std::string>& clusterTags);
/// Sets an instance's exclusion and desired-location tags from its tags.
void applyInstanceTagRules(Instance& inst, const std::vector<std::string>& exclPrefixes,
                           const std::vector<std::string>& desiredPrefixes);
/// Node location tags (`htools:nlocation:<p>` makes `<p>:*` node tags count).
std::set<std::string> locationTagsOf(const std::vector<std::string>& clusterTags,
                                     const std::vector<std::string>& nodeTags);

/// Groups that own at least one node, ascending, each with its node indices
/// in index order (htools' splitCluster / computeGroups).
std::vector<std::pair<int, std::vector<int>>> nodesByGroup(const NodeList& nodes);

/// Finds an element by exact name or alias; errors as htools
/// ("Wrong number of elems found with name x").
const Node* findNodeByName(const NodeList& nodes, std::string_view name,
                           std::string* error);
const Instance* findInstanceByName(const InstanceList& instances,
                                   std::string_view name, std::string* error);
/// Group by name or uuid.
const Group* findGroupByName(const std::vector<Group>& groups,
                             std::string_view name, std::string* error);

}  // namespace gantry::sdk::allocator
