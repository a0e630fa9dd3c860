// The node's OS log files (Ganeti's LOG_DIR/os/<kind>-<os>-<instance>...
// .log) and the tail of a script's output quoted in errors.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "gantry/sdk/result.h"

namespace gantry::plugins::os_scripts {

/// How many lines of output an error quotes (Ganeti's 20).
inline constexpr std::size_t kTailLines = 20;

/// "%Y-%m-%d_%H_%M_%S" in local time, as Ganeti names its OS logs.
std::string logTimestamp(std::chrono::system_clock::time_point when);

/// `<logDir>/os/<kind>-<os>-<instance>[-<component>]-<timestamp>.log`.
/// Every part must be usable in a file name (no '/', no NUL, no leading
/// '.'); kInvalid otherwise.
sdk::Result<std::filesystem::path> osLogFile(const std::filesystem::path& logDir,
                                             std::string_view kind,
                                             std::string_view os,
                                             std::string_view instance,
                                             std::string_view component,
                                             std::chrono::system_clock::time_point when);

/// The last `count` lines of `text` (a final newline ends the last line).
std::string lastLines(std::string_view text, std::size_t count = kTailLines);

/// Size of `path`, 0 when absent.
std::uintmax_t fileSizeOrZero(const std::filesystem::path& path);
/// What `path` holds from byte `offset` on; empty when unreadable.
std::string readFrom(const std::filesystem::path& path, std::uintmax_t offset);

}  // namespace gantry::plugins::os_scripts
