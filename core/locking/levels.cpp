#include "core/locking/levels.h"

namespace gantry::core::locking {

namespace {

constexpr std::array<std::string_view, kLevelCount> kLevelNames = {
    "cluster", "instance", "nodegroup", "node", "node-res", "network"};

}  // namespace

std::string_view levelName(Level level) {
  return kLevelNames.at(levelIndex(level));
}

std::optional<Level> levelFromName(std::string_view name) {
  for (Level level : kAllLevels) {
    if (levelName(level) == name) return level;
  }
  return std::nullopt;
}

std::string_view modeName(Mode mode) {
  return mode == Mode::kExclusive ? "exclusive" : "shared";
}

std::string lockName(Level level, std::string_view name) {
  std::string result(levelName(level));
  result += '/';
  result += name;
  return result;
}

}  // namespace gantry::core::locking
