// Checks for names that end up in file paths or on command lines. Every
// failure is a kInvalid sdk::Error whose message quotes the value.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "gantry/sdk/result.h"

namespace gantry::core::util {

/// Instance, node and cluster names (Ganeti's Hostname.GetNormalizedName):
/// lowercased; letters, digits, '-', '_' and '.'; 1..255 characters; no
/// empty label ("a..b", ".a"); trailing dots are dropped ("node1." ->
/// "node1"). Stricter than Ganeti, because names reach argv vectors: no
/// leading '-' and labels of at most 63 characters (RFC 1035).
/// Error: "Invalid hostname '<lowercased name>'".
sdk::Result<std::string> normalizeHostname(std::string_view name);

/// normalizeHostname without the result; also requires the name to be
/// normalized already (lowercase, no trailing dot).
sdk::Result<void> checkHostname(std::string_view name);

/// An instance's OS, "name" or "name+variant", split at the first '+'.
struct OsName {
  std::string name;
  std::string variant;  // empty without '+'
};
OsName splitOsName(std::string_view os);

/// "name" or "name+variant". The name is a directory under the OS search
/// path and the variant an environment value and part of log file names:
/// both are a safe path component made of letters, digits, '-', '_', '.',
/// not starting with '-' or '.'. A '+' without a variant is refused.
/// Errors: "Invalid OS name '<os>'" / "Invalid OS variant '<variant>'".
sdk::Result<void> checkOsName(std::string_view os);

/// Volume group and logical volume names (Ganeti's LogicalVolume rules):
/// `^[a-zA-Z0-9+_.-]*$`, not ".", "..", "snapshot" or "pvmove", no "_mlog"
/// or "_mimage" inside. Also refused, as LVM itself does: an empty name and
/// a leading '-'. Error: "Invalid LVM name '<name>'".
sdk::Result<void> checkLvmName(std::string_view name);

/// One path component that is safe to join under a directory we own: not
/// empty, not "." or "..", no '/', no NUL, and not starting with '-' (so it
/// cannot pass for an option). `what` names the value in the message:
/// "Invalid <what> '<value>': <reason>".
sdk::Result<void> checkSafePathComponent(std::string_view value,
                                         std::string_view what = "name");

/// A file-storage directory given relative to the cluster's storage dir
/// (`--file-storage-dir`): not empty, not absolute, no ".." component, no
/// NUL. Returns the path with "." components and repeated '/' removed
/// ("a//./b" -> "a/b").
/// Error: "Invalid file storage path '<path>': <reason>".
sdk::Result<std::filesystem::path> checkRelativeStoragePath(
    std::string_view path);

}  // namespace gantry::core::util
