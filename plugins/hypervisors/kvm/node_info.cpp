#include "node_info.h"

#include <algorithm>
#include <optional>
#include <sstream>
#include <string>

namespace gantry::plugins::kvm {

sdk::Result<sdk::NodeResources> parseNodeInfo(std::string_view meminfo,
                                              std::string_view cpuinfo) {
  std::optional<std::int64_t> totalKb, availableKb;
  std::istringstream mem{std::string(meminfo)};
  std::string line;
  while (std::getline(mem, line)) {
    std::istringstream fields(line);
    std::string key;
    std::int64_t value = 0;
    if (!(fields >> key >> value)) continue;
    if (key == "MemTotal:") totalKb = value;
    else if (key == "MemAvailable:") availableKb = value;
  }
  if (!totalKb || !availableKb) {
    return sdk::Error{sdk::ErrorCode::kFault,
                      "Failed to compute memory usage: no MemTotal/MemAvailable in "
                      "/proc/meminfo"};
  }
  std::int64_t cpus = 0;
  std::istringstream cpu{std::string(cpuinfo)};
  while (std::getline(cpu, line)) {
    if (line.rfind("processor", 0) == 0 && line.find(':') != std::string::npos) ++cpus;
  }
  sdk::NodeResources r;
  r.memoryTotalMiB = *totalKb / 1024;
  r.memoryFreeMiB = *availableKb / 1024;
  r.memoryDom0MiB = r.memoryTotalMiB - r.memoryFreeMiB;
  r.cpuTotal = cpus;
  r.cpuDom0 = cpus;
  r.cpuNodes = 1;
  r.cpuSockets = 1;
  return r;
}

sdk::NodeResources subtractGuests(sdk::NodeResources node,
                                  const std::vector<GuestMemory>& guests) {
  std::int64_t promised = 0;
  for (const auto& guest : guests) {
    promised += std::max<std::int64_t>(0, guest.memoryMiB - guest.residentMiB);
  }
  node.memoryFreeMiB = std::max<std::int64_t>(0, node.memoryFreeMiB - promised);
  return node;
}

}  // namespace gantry::plugins::kvm
