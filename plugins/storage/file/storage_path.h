// Which file a `file` disk names, and whether the plugin may touch it. A
// logical id comes from the cluster config; a path in it is only trusted
// once it is known to stay below the node's file storage directory.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/sdk/result.h"

namespace gantry::plugins::file {

/// Ganeti's file drivers; `loop` is the default.
inline constexpr const char* kFileDrivers[] = {"loop", "blktap", "blktap2"};

struct FileLocation {
  std::string driver;
  std::filesystem::path path;  // lexically normal, below the storage dir
};

/// `path` (absolute) made lexically normal, once it is known to be strictly
/// below `storageDir`, to contain no "..", and to pass through no symlink
/// below `storageDir` (the storage dir itself may be one). The last
/// component may be absent. kInvalid: "Path '<p>' is not acceptable for
/// file storage: <why>".
///
/// The checks look at the tree as it is now: they keep a config entry from
/// naming a file elsewhere, and the plugin also opens the final component
/// with O_NOFOLLOW; the tree below the storage dir is the node daemon's alone.
/// `what` names the storage in messages ("file storage", "shared file
/// storage").
sdk::Result<std::filesystem::path> checkStoragePath(
    const std::filesystem::path& path, const std::filesystem::path& storageDir,
    std::string_view what = "file storage");

/// Reads a `[driver, path]` logical id and checks both parts.
sdk::Result<FileLocation> resolveLogicalId(
    const std::vector<std::string>& logicalId,
    const std::filesystem::path& storageDir,
    std::string_view what = "file storage");

}  // namespace gantry::plugins::file
