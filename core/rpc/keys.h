// CURVE key pairs of the cluster and of each node, as files under a data
// dir. The cluster key pair is what the master (and every client it
// trusts) holds; a node accepts requests only from that public key. Each
// node has its own server key pair, whose fingerprint the operator confirms
// when the node is added.
//
// Files (DATA_DIR = <root>/var/lib/gantry), each one Z85 text line, mode
// 0600 from the moment it is created:
//   node-curve.key / node-curve.pub        the node's server key pair
//   cluster-curve.key / cluster-curve.pub  the cluster key pair (master side)
//   cluster-curve.pub alone                on a node: the key it accepts
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "gantry/sdk/result.h"

namespace gantry::core::rpc {

/// Z85 text of a 32-byte CURVE key.
inline constexpr std::size_t kCurveKeyTextLength = 40;

inline constexpr std::string_view kNodeKeyName = "node-curve";
inline constexpr std::string_view kClusterKeyName = "cluster-curve";

/// Both halves as Z85 text (40 characters each).
struct CurveKeyPair {
  std::string publicKey;
  std::string secretKey;
};

/// A fresh key pair (zmq_curve_keypair). kEnvironment if libzmq was built
/// without CURVE.
sdk::Result<CurveKeyPair> generateCurveKeyPair();

/// True for 40 characters of valid Z85.
bool isValidCurveKeyText(std::string_view z85);

/// The public half of a secret key; kInvalid for malformed text.
sdk::Result<std::string> curvePublicKeyOf(std::string_view secretZ85);

/// SHA-256 of the 32 raw public key bytes, lowercase hex pairs joined by
/// ':' ("3f:a0:..."), what the operator compares when adding a node.
/// kInvalid for malformed text.
sdk::Result<std::string> curveKeyFingerprint(std::string_view publicZ85);

/// <dataDir>/<name>.pub and <dataDir>/<name>.key.
std::filesystem::path publicKeyFile(const std::filesystem::path& dataDir,
                                    std::string_view name);
std::filesystem::path secretKeyFile(const std::filesystem::path& dataDir,
                                    std::string_view name);

/// Writes one key as a Z85 line, atomically, created with mode 0600.
/// kEnvironment naming the file on failure; kInvalid for malformed text.
sdk::Result<void> writeKeyFile(const std::filesystem::path& file,
                               std::string_view z85);
/// Reads one key file. kNotFound when it is absent; kEnvironment for a
/// file that is not one Z85 key ("CURVE key file <path> is malformed:
/// expected 40 Z85 characters").
sdk::Result<std::string> readKeyFile(const std::filesystem::path& file);

/// Writes <name>.key then <name>.pub (both 0600), creating dataDir.
sdk::Result<void> saveKeyPair(const std::filesystem::path& dataDir,
                              std::string_view name, const CurveKeyPair& keys);
/// Reads both files and checks they belong together. A secret file that
/// group or others may read is refused ("... must be mode 0600"), as ssh
/// does for its keys.
sdk::Result<CurveKeyPair> loadKeyPair(const std::filesystem::path& dataDir,
                                      std::string_view name);
/// loadKeyPair, or when neither file exists a fresh pair saved first;
/// `created` tells which happened. One half without the other is an error.
sdk::Result<CurveKeyPair> loadOrCreateKeyPair(
    const std::filesystem::path& dataDir, std::string_view name,
    bool* created = nullptr);

}  // namespace gantry::core::rpc
