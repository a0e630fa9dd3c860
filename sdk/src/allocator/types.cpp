// Names and classifications of the allocator enums (htools' Types.hs).
#include "gantry/sdk/allocator/types.h"

#include <array>

namespace gantry::sdk::allocator {
namespace {

constexpr std::array<const char*, kDiskTemplateCount> kTemplateNames = {
    "diskless", "file", "sharedfile", "plain", "blockdev",
    "drbd",     "rbd",  "ext",        "gluster"};

constexpr std::array<const char*, 9> kRunStateNames = {
    "ADMIN_down",     "ADMIN_offline",     "ERROR_down", "ERROR_up",
    "ERROR_nodedown", "ERROR_nodeoffline", "running",    "USER_down",
    "ERROR_wrongnode"};

constexpr std::array<const char*, kFailModeCount> kFailNames = {
    "FailMem", "FailDisk",      "FailCPU",      "FailN1",      "FailTags",
    "FailMig", "FailDiskCount", "FailSpindles", "FailInternal"};

}  // namespace

const char* diskTemplateName(DiskTemplate t) noexcept {
  return kTemplateNames[static_cast<int>(t)];
}

std::optional<DiskTemplate> diskTemplateFromName(std::string_view name) noexcept {
  for (int i = 0; i < kDiskTemplateCount; ++i) {
    if (name == kTemplateNames[i]) return static_cast<DiskTemplate>(i);
  }
  return std::nullopt;
}

MirrorType mirrorType(DiskTemplate t) noexcept {
  switch (t) {
    case DiskTemplate::kFile:
    case DiskTemplate::kPlain:
      return MirrorType::kNone;
    case DiskTemplate::kDrbd:
      return MirrorType::kInternal;
    default:
      return MirrorType::kExternal;
  }
}

bool usesLocalStorage(DiskTemplate t) noexcept {
  return t == DiskTemplate::kPlain || t == DiskTemplate::kDrbd;
}

bool templateMovable(DiskTemplate t) noexcept {
  switch (t) {
    case DiskTemplate::kDiskless:
    case DiskTemplate::kSharedFile:
    case DiskTemplate::kRbd:
    case DiskTemplate::kExt:
    case DiskTemplate::kGluster:
      return true;
    default:
      return false;
  }
}

int requiredNodes(DiskTemplate t) noexcept { return t == DiskTemplate::kDrbd ? 2 : 1; }

const char* allocPolicyName(AllocPolicy p) noexcept {
  switch (p) {
    case AllocPolicy::kPreferred:
      return "preferred";
    case AllocPolicy::kLastResort:
      return "last_resort";
    case AllocPolicy::kUnallocable:
      return "unallocable";
  }
  return "preferred";
}

std::optional<AllocPolicy> allocPolicyFromName(std::string_view name) noexcept {
  if (name == "preferred") return AllocPolicy::kPreferred;
  if (name == "last_resort") return AllocPolicy::kLastResort;
  if (name == "unallocable") return AllocPolicy::kUnallocable;
  return std::nullopt;
}

const char* runStateName(RunState s) noexcept { return kRunStateNames[static_cast<int>(s)]; }

std::optional<RunState> runStateFromName(std::string_view name) noexcept {
  for (int i = 0; i < static_cast<int>(kRunStateNames.size()); ++i) {
    if (name == kRunStateNames[i]) return static_cast<RunState>(i);
  }
  return std::nullopt;
}

const char* failModeName(FailMode f) noexcept { return kFailNames[static_cast<int>(f)]; }

std::optional<EvacMode> evacModeFromName(std::string_view name) noexcept {
  if (name == "primary-only") return EvacMode::kPrimaryOnly;
  if (name == "secondary-only") return EvacMode::kSecondaryOnly;
  if (name == "all") return EvacMode::kAll;
  return std::nullopt;
}

IPolicy defaultIPolicy() {
  IPolicy p;
  p.minMax = {MinMaxISpecs{ISpec{128, 1, 1024, 1, 1, 1},
                           ISpec{32768, 8, 1024 * 1024, 16, 8, 12}}};
  p.stdSpec = ISpec{128, 1, 1024, 1, 1, 1};
  for (int i = 0; i < kDiskTemplateCount; ++i) {
    p.diskTemplates.push_back(static_cast<DiskTemplate>(i));
  }
  p.vcpuRatio = 4.0;
  p.spindleRatio = 32.0;
  return p;
}

}  // namespace gantry::sdk::allocator

namespace gantry::sdk::allocator {

bool supportsMoves(DiskTemplate t) noexcept {
  switch (t) {
    case DiskTemplate::kDrbd:
    case DiskTemplate::kBlock:
    case DiskTemplate::kSharedFile:
    case DiskTemplate::kGluster:
    case DiskTemplate::kRbd:
    case DiskTemplate::kExt:
      return true;
    default:
      return false;
  }
}

}  // namespace gantry::sdk::allocator
