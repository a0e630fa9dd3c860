// SHA-1 digests of files as cluster verify compares them (Ganeti's
// utils.FingerprintFiles): lowercase hex, regular files only.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace gantry::core::cluster {

/// The SHA-1 of `data` as 40 lowercase hex digits.
std::string sha1Hex(std::string_view data);

/// The SHA-1 of a regular file's contents; nullopt when it is missing,
/// not a regular file or unreadable.
std::optional<std::string> fileSha1(const std::filesystem::path& path);

}  // namespace gantry::core::cluster
