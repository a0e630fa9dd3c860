// The files that make an installed Debian this instance's system: its
// name (hostname, hosts), its root filesystem (fstab) and its apt source.
// Files inside a guest's filesystem are written without following
// symbolic links: on a disk that was booted, a link could point anywhere
// on the node.
#pragma once

#include <filesystem>
#include <string>

#include "gantry/sdk/result.h"

namespace gantry::plugins::os_debootstrap {

/// Replaces `relative` (e.g. "etc/hostname") under `root`; kEnvironment
/// when a component of the path is a symbolic link.
sdk::Result<void> writeGuestFile(const std::filesystem::path& root, const std::string& relative,
                                 const std::string& content);

/// Reads `relative` under `root` the same way ("" when absent).
sdk::Result<std::string> readGuestFile(const std::filesystem::path& root,
                                       const std::string& relative);

struct GuestIdentity {
  std::string hostname;
  std::string rootUuid;    // of the root filesystem
  std::string filesystem;  // ext4, ...
  std::string mirror;
  std::string suite;
};

/// Writes hostname, hosts, fstab and apt's sources.list.
sdk::Result<void> configureGuest(const std::filesystem::path& root, const GuestIdentity& guest);

/// The hosts file with every whole-word `oldName` replaced by `newName`.
std::string renamedHosts(const std::string& hosts, const std::string& oldName,
                         const std::string& newName);

/// Gives the installed system its new name.
sdk::Result<void> renameGuest(const std::filesystem::path& root, const std::string& oldName,
                              const std::string& newName);

}  // namespace gantry::plugins::os_debootstrap
