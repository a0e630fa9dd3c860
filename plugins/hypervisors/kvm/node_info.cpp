#include "node_info.h"

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

}  // namespace gantry::plugins::kvm
