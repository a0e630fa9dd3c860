// Who "this host" is for the tools that run on a node's root: its node
// name, its addresses and the RPC port of its node daemon. A real node
// would take them from its host name and interfaces; a root of a virtual
// cluster (several nodes on one host) says them in a small file, so that
// `gnt-cluster init` and `gnt-node add` know which node they run on.
//
// File <root>/etc/gantry/node-identity, "key=value" lines:
//   name=node1
//   primary_ip=127.0.1.1
//   secondary_ip=127.0.2.1      (optional; defaults to primary_ip)
//   rpc_port=1811               (optional; defaults to 1811)
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "gantry/sdk/result.h"

namespace gantry::core::cluster {

inline constexpr std::uint16_t kDefaultRpcPort = 1811;

struct NodeIdentity {
  std::string name;
  std::string primaryIp;
  std::string secondaryIp;
  std::uint16_t rpcPort = kDefaultRpcPort;
};

/// <root>/etc/gantry/node-identity.
std::filesystem::path identityPath(const std::filesystem::path& root);

/// Parses the file's text; kInvalid naming the bad line or missing key.
sdk::Result<NodeIdentity> parseIdentity(std::string_view text);
/// The text parseIdentity reads back.
std::string formatIdentity(const NodeIdentity& identity);

/// Reads <root>'s identity; kNotFound when the file is absent.
sdk::Result<NodeIdentity> loadIdentity(const std::filesystem::path& root);
/// Writes it atomically (mode 0644), creating etc/gantry.
sdk::Result<void> saveIdentity(const std::filesystem::path& root,
                               const NodeIdentity& identity);

}  // namespace gantry::core::cluster
