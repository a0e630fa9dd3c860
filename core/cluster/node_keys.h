// The node daemons the master has accepted: for each node name, the CURVE
// public key its daemon proved to hold and the port it serves on. The
// master talks to a node only with the key stored here, so a daemon that
// was never accepted (by fingerprint or join token) cannot be reached by
// name alone.
//
// Files <dataDir>/node-keys/<name>.json (0600):
//   {"public_key": "<Z85>", "port": 1811}
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "gantry/sdk/result.h"

namespace gantry::core::cluster {

struct AcceptedNode {
  std::string publicKey;
  std::uint16_t port = 0;
};

/// <dataDir>/node-keys.
std::filesystem::path nodeKeysDir(const std::filesystem::path& dataDir);

/// kInvalid for a name that is not a host name (no paths through it).
sdk::Result<std::filesystem::path> acceptedNodePath(const std::filesystem::path& dataDir,
                                                    std::string_view name);

/// Records (or replaces) the node's key; kInvalid for a malformed key.
sdk::Result<void> saveAcceptedNode(const std::filesystem::path& dataDir,
                                   std::string_view name, const AcceptedNode& node);
/// kNotFound "Node <name> has not been accepted (no known node key)".
sdk::Result<AcceptedNode> loadAcceptedNode(const std::filesystem::path& dataDir,
                                           std::string_view name);
/// Forgets the node (no error when it was not there).
void removeAcceptedNode(const std::filesystem::path& dataDir, std::string_view name);

}  // namespace gantry::core::cluster
