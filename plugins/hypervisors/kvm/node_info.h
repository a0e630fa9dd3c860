// A Linux node's memory and CPUs as Ganeti's GetLinuxNodeInfo reads them
// (3.1+): MemTotal and MemAvailable from /proc/meminfo, the `processor`
// lines of /proc/cpuinfo.
#pragma once

#include <string_view>

#include "gantry/sdk/hypervisor.h"
#include "gantry/sdk/result.h"

namespace gantry::plugins::kvm {

/// memory_total = MemTotal, memory_free = MemAvailable (kB // 1024),
/// memory_dom0 = total - free; cpu_total = cpu_dom0 = processors, one node,
/// one socket. kFault when MemTotal or MemAvailable is missing.
sdk::Result<sdk::NodeResources> parseNodeInfo(std::string_view meminfo,
                                              std::string_view cpuinfo);

}  // namespace gantry::plugins::kvm
