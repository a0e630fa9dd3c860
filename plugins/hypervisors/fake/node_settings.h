// The resources a fake node claims to have. They come from the node
// daemon's settings (`--fake-memory 32G --fake-cpus 4`), not from /proc, so a
// virtual cluster on one host can look like a rack of big machines.
#pragma once

#include <cstdint>
#include <string_view>

#include "gantry/sdk/host.h"
#include "gantry/sdk/result.h"

namespace gantry::plugins::fake {

inline constexpr std::string_view kSettingMemory = "fake.memory";
inline constexpr std::string_view kSettingCpus = "fake.cpus";
inline constexpr std::string_view kSettingNodeMemory = "fake.node_memory";
inline constexpr std::string_view kSettingNodeCpus = "fake.node_cpus";
/// Memory the hypervisor itself keeps (Ganeti's memory_hv), not free for
/// instances; 0 by default.
inline constexpr std::string_view kSettingHvMemory = "fake.hv_memory";

inline constexpr std::int64_t kDefaultMemoryMiB = 32768;
inline constexpr std::int64_t kDefaultCpus = 4;
inline constexpr std::int64_t kDefaultNodeMemoryMiB = 1024;

struct NodeSettings {
  std::int64_t memoryTotalMiB = kDefaultMemoryMiB;   // fake.memory
  std::int64_t memoryDom0MiB = kDefaultNodeMemoryMiB;  // fake.node_memory
  std::int64_t memoryHvMiB = 0;                       // fake.hv_memory
  std::int64_t cpuTotal = kDefaultCpus;               // fake.cpus
  /// fake.node_cpus; Ganeti's Linux node info reports every CPU as the
  /// node's own (cpu_dom0 = cpu_total), so that is the default.
  std::int64_t cpuDom0 = kDefaultCpus;
};

/// "32768", "32G", "1.5g", "512MiB", "1T": MiB when there is no unit,
/// fractions rounded up to a whole MiB.
sdk::Result<std::int64_t> parseMemoryMiB(std::string_view text);

/// Reads the fake.* settings; unset ones take the defaults above. An
/// unparsable or inconsistent value is a kEnvironment error naming it.
sdk::Result<NodeSettings> readNodeSettings(const sdk::Host& host);

}  // namespace gantry::plugins::fake
