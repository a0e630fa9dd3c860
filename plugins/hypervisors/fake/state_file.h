// One file per running fake instance, in Ganeti's format, so a node daemon
// that restarts finds its instances again and Ganeti's tools could read them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/sdk/result.h"

namespace gantry::plugins::fake {

/// The three lines of a state file: "0\n<memory MiB>\n<vcpus>\n".
struct StateRecord {
  std::int64_t id = 0;
  std::int64_t memoryMiB = 0;
  std::int64_t vcpus = 0;
};

std::string formatState(const StateRecord& record);
/// nullopt when the text is not three whole numbers.
std::optional<StateRecord> parseState(std::string_view text);

/// An instance name becomes a file name: refuse anything that could name
/// another file (empty, '/', "..", a leading '.', NUL). kInvalid.
sdk::Result<void> checkInstanceName(std::string_view name);

/// Contents of `path`; nullopt when it does not exist. Never follows a
/// symlink. The error message is "<reason>: '<path>'".
sdk::Result<std::optional<std::string>> readStateFile(
    const std::filesystem::path& path);
/// Replaces `path` atomically (temp file in the same dir, then rename) so a
/// crash leaves the old or the new state, never a torn file.
sdk::Result<void> writeStateFile(const std::filesystem::path& path,
                                 std::string_view content);
/// Removes `path`; an absent file is fine.
sdk::Result<void> removeStateFile(const std::filesystem::path& path);
/// Names of the state files in `dir` (temp files skipped); empty when the
/// directory does not exist.
sdk::Result<std::vector<std::string>> listStateFiles(
    const std::filesystem::path& dir);

}  // namespace gantry::plugins::fake
