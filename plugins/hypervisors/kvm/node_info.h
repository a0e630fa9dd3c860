// A Linux node's memory and CPUs as Ganeti's GetLinuxNodeInfo reads them
// (3.1+): MemTotal and MemAvailable from /proc/meminfo, the `processor`
// lines of /proc/cpuinfo.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "gantry/sdk/hypervisor.h"
#include "gantry/sdk/result.h"

namespace gantry::plugins::kvm {

/// memory_total = MemTotal, memory_free = MemAvailable (kB // 1024),
/// memory_dom0 = total - free; cpu_total = cpu_dom0 = processors, one node,
/// one socket. kFault when MemTotal or MemAvailable is missing.
sdk::Result<sdk::NodeResources> parseNodeInfo(std::string_view meminfo,
                                              std::string_view cpuinfo);

/// What one running qemu holds: the guest's memory and how much of it the
/// host has really given it so far (the process's resident memory).
struct GuestMemory {
  std::int64_t memoryMiB = 0;
  std::int64_t residentMiB = 0;
};

/// memory_free less the guest memory not yet resident: MemAvailable still
/// counts what a guest has not touched, and the master must not place it
/// twice. Never below 0.
sdk::NodeResources subtractGuests(sdk::NodeResources node,
                                  const std::vector<GuestMemory>& guests);

}  // namespace gantry::plugins::kvm
