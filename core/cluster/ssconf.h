// The ssconf values of a cluster (Ganeti's ssconf keys, one file per key on
// every node), computed from a config.data document, and writing them
// into a local data dir.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "gantry/sdk/result.h"

namespace gantry::core::cluster {

using SsconfValues = std::map<std::string, std::string>;

/// Every key of config-format.md §8 that the config can answer; list values
/// one item per line, no trailing newline (the writer adds it).
SsconfValues computeSsconf(const nlohmann::json& config);

/// Writes <dataDir>/ssconf_<key> for each value (mode 0444, atomically).
sdk::Result<void> writeSsconfFiles(const std::filesystem::path& dataDir,
                                   const SsconfValues& values);

}  // namespace gantry::core::cluster
