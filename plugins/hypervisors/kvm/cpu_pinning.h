// CPU pinning from the cpu_mask hvparam (Ganeti's _AssignCpuAffinity): one
// mask pins the whole qemu process, one mask per vCPU (separated by ':')
// pins each vCPU thread. "all" leaves that part unpinned.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string_view>
#include <vector>

#include "gantry/sdk/result.h"

namespace gantry::plugins::kvm {

/// One entry per ':'-separated mask: the CPUs, or nullopt for "all".
using CpuMasks = std::vector<std::optional<std::vector<int>>>;

/// "0-2,4:all:1" -> {{0,1,2,4}, nullopt, {1}}. kInvalid when malformed.
sdk::Result<CpuMasks> parseMultiCpuMask(std::string_view mask);

/// Whether `masks` pins anything at all (a single "all" does not).
bool pinsAnything(const CpuMasks& masks);

/// Applies `masks` to qemu process `pid` whose vCPU threads are
/// `vcpuThreads` (in vCPU order): one mask -> every thread of the process;
/// several -> one per vCPU, and their number must match (kInvalid).
sdk::Result<void> applyCpuPinning(pid_t pid, const std::vector<pid_t>& vcpuThreads,
                                  const CpuMasks& masks);

}  // namespace gantry::plugins::kvm
