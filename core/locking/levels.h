// Lock levels and modes of the lock manager, with their Ganeti names.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gantry::core::locking {

/// Ganeti's locking levels, in the only order a job may acquire them. The
/// numeric values are that order.
enum class Level : std::uint8_t {
  kCluster = 0,  // one name, the Big Ganeti Lock (kBglName)
  kInstance,
  kNodeGroup,
  kNode,
  kNodeRes,  // node resources (memory/disk accounting), released early
  kNetwork,
};

inline constexpr std::size_t kLevelCount = 6;
inline constexpr std::array<Level, kLevelCount> kAllLevels = {
    Level::kCluster, Level::kInstance, Level::kNodeGroup,
    Level::kNode,    Level::kNodeRes,  Level::kNetwork};

constexpr std::size_t levelIndex(Level level) {
  return static_cast<std::size_t>(level);
}

/// Levels whose names are added and removed at run time (Ganeti's
/// LEVELS_MOD): every level but the cluster's.
constexpr bool isModifiableLevel(Level level) {
  return level != Level::kCluster;
}

/// "cluster", "instance", "nodegroup", "node", "node-res", "network".
std::string_view levelName(Level level);
std::optional<Level> levelFromName(std::string_view name);

/// The single name at the cluster level.
inline constexpr std::string_view kBglName = "BGL";
/// The level-wide lock behind "all names at a level" (Ganeti's ALL_SET);
/// never a valid member name.
inline constexpr std::string_view kLockSetName = "[lockset]";

enum class Mode : std::uint8_t { kShared, kExclusive };

/// "shared" / "exclusive", as Ganeti's lock query reports them.
std::string_view modeName(Mode mode);

/// Ganeti's full lock name: "cluster/BGL", "instance/inst1.example.com",
/// "node/[lockset]".
std::string lockName(Level level, std::string_view name);

}  // namespace gantry::core::locking
