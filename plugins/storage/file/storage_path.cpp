#include "storage_path.h"

#include <algorithm>
#include <system_error>

namespace gantry::plugins::file {
namespace {

namespace fs = std::filesystem;

sdk::Error refuse(const fs::path& path, std::string_view what, const std::string& why) {
  return {sdk::ErrorCode::kInvalid, "Path '" + path.string() + "' is not acceptable for " +
                                        std::string(what) + ": " + why};
}

// "/a/b/" -> "/a/b": a trailing slash leaves an empty last component.
fs::path withoutTrailingSlash(fs::path p) {
  if (!p.has_filename() && p.has_parent_path() && p != p.root_path()) {
    p = p.parent_path();
  }
  return p;
}

}  // namespace

sdk::Result<fs::path> checkStoragePath(const fs::path& path,
                                       const fs::path& storageDir, std::string_view what) {
  if (storageDir.empty() || !storageDir.is_absolute()) {
    return sdk::Error{sdk::ErrorCode::kEnvironment,
                      "The " + std::string(what) + " directory is not configured"};
  }
  if (path.empty() || !path.is_absolute()) return refuse(path, what, "not an absolute path");
  // The system calls would stop at a NUL and see another path.
  if (path.native().find('\0') != std::string::npos) return refuse(path, what, "contains NUL");
  for (const auto& part : path) {
    if (part == "..") return refuse(path, what, "contains '..'");
  }
  if (!path.has_filename()) return refuse(path, what, "does not name a file");
  const fs::path normal = path.lexically_normal();
  const fs::path root = withoutTrailingSlash(storageDir.lexically_normal());

  const fs::path rel = normal.lexically_relative(root);
  if (rel.empty() || rel == "." || *rel.begin() == "..") {
    return refuse(path, what, "not below '" + root.string() + "'");
  }

  // Each existing component below the root must be a real directory (or,
  // for the last one, not a symlink): a link could lead anywhere.
  fs::path current = root;
  for (const auto& part : rel) {
    current /= part;
    std::error_code ec;
    const auto status = fs::symlink_status(current, ec);
    if (ec == std::errc::no_such_file_or_directory || status.type() == fs::file_type::not_found) {
      break;  // nothing below an absent component can be a link yet
    }
    if (ec) return refuse(path, what, "cannot inspect '" + current.string() + "': " + ec.message());
    if (fs::is_symlink(status)) {
      return refuse(path, what, "'" + current.string() + "' is a symbolic link");
    }
    if (current != normal && !fs::is_directory(status)) {
      return refuse(path, what, "'" + current.string() + "' is not a directory");
    }
  }
  return normal;
}

sdk::Result<FileLocation> resolveLogicalId(const std::vector<std::string>& logicalId,
                                           const fs::path& storageDir,
                                           std::string_view what) {
  if (logicalId.size() != 2) {
    return sdk::Error{sdk::ErrorCode::kInvalid,
                      "Invalid logical id for a file disk: expected [driver, path], got " +
                          std::to_string(logicalId.size()) + " element(s)"};
  }
  const std::string& driver = logicalId[0];
  const bool known = std::any_of(std::begin(kFileDrivers), std::end(kFileDrivers),
                                 [&](const char* d) { return driver == d; });
  if (!known) {
    return sdk::Error{sdk::ErrorCode::kInvalid,
                      "Invalid file driver '" + driver +
                          "', must be one of: loop, blktap, blktap2"};
  }
  auto path = checkStoragePath(fs::path(logicalId[1]), storageDir, what);
  if (!path) return std::move(path).error();
  return FileLocation{driver, std::move(*path)};
}

}  // namespace gantry::plugins::file
