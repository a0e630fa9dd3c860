// Which files under a node's data dir the master may write through RPC,
// and where they go. Every name is checked against a fixed list or a
// strict pattern, so no request can reach a path outside the data dir
// (no "..", no absolute paths, no other files).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/sdk/result.h"

namespace gantry::core::rpc {

/// Largest ssconf value (Ganeti's limit for one ssconf file).
inline constexpr std::size_t kMaxSsconfValueBytes = 128 * 1024;
/// ssconf files are read-only for everyone (Ganeti's SS_FILE_PERMS).
inline constexpr mode_t kSsconfFileMode = 0444;
/// Job files and the serial file (Ganeti writes them 0640).
inline constexpr mode_t kQueueFileMode = 0640;

/// The fixed names upload_file accepts, besides "ssconf_<key>":
/// config.data, known_hosts, cluster-curve.pub, hmac.key,
/// cluster-domain-secret, server.pem, rapi.pem, spice.pem, spice-ca.pem,
/// rapi/users, cluster-curve.key (the secret half, for master candidates),
/// and "node-keys/<host name>.json" (the accepted node keys).
const std::vector<std::string>& uploadableFileNames();

/// `[a-z][a-z0-9_-]*`, at most 64 characters ("master_node", "hvparams_xen-pvm").
bool isValidSsconfKey(std::string_view key);

/// <dataDir>/ssconf_<key>; kInvalid "Invalid ssconf key '<key>'".
sdk::Result<std::filesystem::path> ssconfFilePath(
    const std::filesystem::path& dataDir, std::string_view key);

/// Where upload_file writes `name`; kInvalid for anything not on the list:
///   "File name '<name>' must be a plain name in the node's data directory"
///   "File '<name>' is not one a node accepts through upload_file"
sdk::Result<std::filesystem::path> uploadFilePath(
    const std::filesystem::path& dataDir, std::string_view name);

/// A file mode for upload_file: permission bits only (0 ... 0777);
/// kInvalid otherwise.
sdk::Result<mode_t> uploadFileMode(std::int64_t mode);

/// <dataDir>/queue.
std::filesystem::path queueDir(const std::filesystem::path& dataDir);

/// jobqueue_update's target: "job-<digits>" or "serial" in the queue dir.
sdk::Result<std::filesystem::path> queueUpdatePath(
    const std::filesystem::path& queueDirectory, std::string_view name);

/// jobqueue_rename's ends: "job-<id>" or "archive/<n>/job-<id>".
sdk::Result<std::filesystem::path> queueRenamePath(
    const std::filesystem::path& queueDirectory, std::string_view name);

}  // namespace gantry::core::rpc
