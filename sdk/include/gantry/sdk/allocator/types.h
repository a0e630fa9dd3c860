// Value types of the allocator model: disk templates, run states, failure
// modes and instance policies, with the exact semantics of Ganeti's htools
// (the model behind the `hail` allocator). Pure data, no I/O; safe to use
// from any thread as long as each object is used by one thread at a time.
// Since ABI 1.0.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gantry::sdk::allocator {

/// Disk templates in Ganeti's enum order (the order matters for printing).
enum class DiskTemplate {
  kDiskless,
  kFile,
  kSharedFile,
  kPlain,
  kBlock,
  kDrbd,
  kRbd,
  kExt,
  kGluster,
};
inline constexpr int kDiskTemplateCount = 9;

/// Wire names ("diskless", "drbd", "blockdev", ...).
const char* diskTemplateName(DiskTemplate t) noexcept;
/// Parses a wire name; nullopt for an unknown one.
std::optional<DiskTemplate> diskTemplateFromName(std::string_view name) noexcept;

/// How a template keeps its data redundant.
enum class MirrorType { kNone, kInternal, kExternal };
MirrorType mirrorType(DiskTemplate t) noexcept;
/// plain and drbd: the only templates whose space htools accounts for.
bool usesLocalStorage(DiskTemplate t) noexcept;
/// Templates an N+1 simulation may move to any node (shared storage).
bool templateMovable(DiskTemplate t) noexcept;
/// Templates whose instances htools may move at all (drbd, blockdev,
/// sharedfile, gluster, rbd, ext).
bool supportsMoves(DiskTemplate t) noexcept;
/// 2 for drbd, else 1.
int requiredNodes(DiskTemplate t) noexcept;

/// Group allocation policy; the enum order is the preference order.
enum class AllocPolicy { kPreferred, kLastResort, kUnallocable };
const char* allocPolicyName(AllocPolicy p) noexcept;
std::optional<AllocPolicy> allocPolicyFromName(std::string_view name) noexcept;

/// Instance run state (htools' InstanceStatus).
enum class RunState {
  kAdminDown,
  kAdminOffline,
  kErrorDown,
  kErrorUp,
  kNodeDown,
  kNodeOffline,
  kRunning,
  kUserDown,
  kWrongNode,
};
/// Text-format names ("running", "ADMIN_down", ...).
const char* runStateName(RunState s) noexcept;
std::optional<RunState> runStateFromName(std::string_view name) noexcept;

/// Why a placement was refused, in Ganeti's enum order (reports count them
/// in this order).
enum class FailMode {
  kMem,
  kDisk,
  kCpu,
  kN1,
  kTags,
  kMig,
  kDiskCount,
  kSpindles,
  kInternal,
};
inline constexpr int kFailModeCount = 9;
/// "FailMem", "FailDisk", ...
const char* failModeName(FailMode f) noexcept;

/// Node evacuation modes of the node-evacuate request.
enum class EvacMode { kPrimaryOnly, kSecondaryOnly, kAll };
std::optional<EvacMode> evacModeFromName(std::string_view name) noexcept;

/// One instance spec (all six fields are required on the wire).
struct ISpec {
  int memorySize = 0;
  int cpuCount = 0;
  int diskSize = 0;
  int diskCount = 0;
  int nicCount = 0;
  int spindleUse = 0;
};

struct MinMaxISpecs {
  ISpec min;
  ISpec max;
};

/// A group's (fully filled) instance policy.
struct IPolicy {
  std::vector<MinMaxISpecs> minMax;
  ISpec stdSpec;
  std::vector<DiskTemplate> diskTemplates;
  double vcpuRatio = 4.0;
  double spindleRatio = 32.0;
};

/// Ganeti's built-in default policy (used by the text and simulation
/// backends and for the cluster itself).
IPolicy defaultIPolicy();

/// Dynamic utilisation (cpu, mem, disk, net). Without monitoring data every
/// instance weighs 1 in each dimension.
struct DynUtil {
  double cpu = 0;
  double mem = 0;
  double dsk = 0;
  double net = 0;
};

}  // namespace gantry::sdk::allocator
