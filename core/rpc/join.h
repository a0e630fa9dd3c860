// How a node comes to trust a cluster key. The operator creates a one-time
// token on the node (`gantry-noded --create-join-token`) and gives it, with
// the node's public key, to the master; the master calls `join` with the
// token and the cluster's public key. The node stores the key and deletes
// the token, so the token works once.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "gantry/sdk/result.h"

namespace gantry::core::rpc {

/// <dataDir>/join-token (0600): the token as one hex line.
std::filesystem::path joinTokenPath(const std::filesystem::path& dataDir);
/// <dataDir>/cluster-curve.pub (0600): the cluster key the node accepts.
std::filesystem::path clusterKeyPath(const std::filesystem::path& dataDir);

/// A fresh random token written to joinTokenPath (replacing an older one).
sdk::Result<std::string> createJoinToken(const std::filesystem::path& dataDir);
bool joinTokenExists(const std::filesystem::path& dataDir);

/// The accepted cluster key, nullopt when the node has not joined yet;
/// kEnvironment for a file that is there but unreadable or malformed.
sdk::Result<std::optional<std::string>> loadClusterKey(
    const std::filesystem::path& dataDir);

/// Checks `token` against the token file (constant time), stores
/// `clusterKey` (0600) and removes the token file. Errors:
///   kState   "This node has already joined a cluster"
///   kState   "This node has no join token ..."
///   kInvalid "Invalid join token" / "Malformed cluster public key"
///   kEnvironment for a failed write (the token is then kept).
/// Serialized: two joins at once cannot both succeed.
sdk::Result<void> completeJoin(const std::filesystem::path& dataDir,
                               std::string_view token,
                               std::string_view clusterKey);

}  // namespace gantry::core::rpc
