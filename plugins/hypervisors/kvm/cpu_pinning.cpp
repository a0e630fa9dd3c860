#include "cpu_pinning.h"

#include <sched.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

namespace gantry::plugins::kvm {
namespace {

using sdk::Error;
using sdk::ErrorCode;

Error malformed(std::string_view mask) {
  return {ErrorCode::kInvalid,
          "Invalid CPU mask definition: '" + std::string(mask) + "'"};
}

bool parseNumber(std::string_view text, int& out) {
  if (text.empty() || text.size() > 6) return false;
  out = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

sdk::Result<std::optional<std::vector<int>>> parseOne(std::string_view mask) {
  if (mask == "all") return std::optional<std::vector<int>>{};
  std::vector<int> cpus;
  std::size_t start = 0;
  while (true) {
    std::size_t comma = mask.find(',', start);
    const std::string_view part =
        mask.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                           : comma - start);
    const std::size_t dash = part.find('-');
    int lo = 0, hi = 0;
    if (dash == std::string_view::npos) {
      if (!parseNumber(part, lo)) return malformed(mask);
      hi = lo;
    } else if (!parseNumber(part.substr(0, dash), lo) ||
               !parseNumber(part.substr(dash + 1), hi) || lo > hi) {
      return malformed(mask);
    }
    for (int cpu = lo; cpu <= hi; ++cpu) cpus.push_back(cpu);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return std::optional<std::vector<int>>{cpus};
}

sdk::Result<void> pin(pid_t tid, const std::optional<std::vector<int>>& cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (cpus) {
    for (int cpu : *cpus) {
      if (cpu >= CPU_SETSIZE) {
        return Error{ErrorCode::kInvalid, "CPU " + std::to_string(cpu) + " is out of range"};
      }
      CPU_SET(cpu, &set);
    }
  } else {
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) CPU_SET(cpu, &set);
  }
  if (::sched_setaffinity(tid, sizeof set, &set) != 0) {
    return Error{ErrorCode::kEnvironment, "Cannot set the CPU affinity of thread " +
                                              std::to_string(tid) + ": " +
                                              std::strerror(errno)};
  }
  return sdk::ok();
}

}  // namespace

sdk::Result<CpuMasks> parseMultiCpuMask(std::string_view mask) {
  CpuMasks masks;
  std::size_t start = 0;
  while (true) {
    const std::size_t colon = mask.find(':', start);
    auto one = parseOne(mask.substr(start, colon == std::string_view::npos
                                               ? std::string_view::npos
                                               : colon - start));
    if (!one) return std::move(one).error();
    masks.push_back(std::move(*one));
    if (colon == std::string_view::npos) return masks;
    start = colon + 1;
  }
}

bool pinsAnything(const CpuMasks& masks) {
  for (const auto& mask : masks) {
    if (mask) return true;
  }
  return false;
}

sdk::Result<void> applyCpuPinning(pid_t pid, const std::vector<pid_t>& vcpuThreads,
                                  const CpuMasks& masks) {
  if (masks.size() == 1) {
    if (!masks[0]) return sdk::ok();
    // Every thread of the process, so I/O threads follow the vCPUs.
    std::error_code ec;
    for (const auto& task :
         std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
      int tid = 0;
      if (!parseNumber(task.path().filename().string(), tid)) continue;
      if (auto pinned = pin(tid, masks[0]); !pinned) return pinned;
    }
    if (ec) {
      return Error{ErrorCode::kEnvironment,
                   "Cannot list the threads of process " + std::to_string(pid)};
    }
    return sdk::ok();
  }
  if (masks.size() != vcpuThreads.size()) {
    return Error{ErrorCode::kInvalid, "Number of CPU masks (" + std::to_string(masks.size()) +
                                          ") does not match the number of vCPUs (" +
                                          std::to_string(vcpuThreads.size()) + ")"};
  }
  for (std::size_t i = 0; i < masks.size(); ++i) {
    if (auto pinned = pin(vcpuThreads[i], masks[i]); !pinned) return pinned;
  }
  return sdk::ok();
}

}  // namespace gantry::plugins::kvm
