#include "core/rpc/join.h"

#include <mutex>
#include <system_error>

#include "core/rpc/keys.h"
#include "core/rpc/secrets.h"
#include "core/rpc/small_file.h"
#include "core/util/atomic_file.h"

namespace gantry::core::rpc {

namespace fs = std::filesystem;
using sdk::Error;
using sdk::ErrorCode;

namespace {

std::mutex g_join_mutex;

}  // namespace

fs::path joinTokenPath(const fs::path& dataDir) { return dataDir / "join-token"; }

fs::path clusterKeyPath(const fs::path& dataDir) {
  return publicKeyFile(dataDir, kClusterKeyName);
}

sdk::Result<std::string> createJoinToken(const fs::path& dataDir) {
  auto token = randomToken(32);
  if (!token) return token;
  std::error_code ec;
  fs::create_directories(dataDir, ec);
  try {
    util::atomicWriteFile(joinTokenPath(dataDir), *token + "\n", 0600);
  } catch (const util::FileWriteError& e) {
    return Error{ErrorCode::kEnvironment, e.what()};
  }
  return token;
}

bool joinTokenExists(const fs::path& dataDir) {
  std::error_code ec;
  return fs::exists(joinTokenPath(dataDir), ec);
}

sdk::Result<std::optional<std::string>> loadClusterKey(const fs::path& dataDir) {
  auto key = readKeyFile(clusterKeyPath(dataDir));
  if (!key) {
    if (key.error().code == ErrorCode::kNotFound) {
      return std::optional<std::string>{};
    }
    return std::move(key).error();
  }
  return std::optional<std::string>{std::move(*key)};
}

sdk::Result<void> completeJoin(const fs::path& dataDir, std::string_view token,
                               std::string_view clusterKey) {
  std::lock_guard lock(g_join_mutex);
  std::error_code ec;
  if (fs::exists(clusterKeyPath(dataDir), ec)) {
    return Error{ErrorCode::kState, "This node has already joined a cluster"};
  }
  auto stored = readSmallFile(joinTokenPath(dataDir), 4096);
  if (!stored) {
    if (stored.error().code == ErrorCode::kNotFound) {
      return Error{ErrorCode::kState,
                   "This node has no join token; create one on the node with "
                   "'gantry-noded --create-join-token'"};
    }
    return std::move(stored).error();
  }
  const std::string expected = trimRight(std::move(*stored));
  if (expected.empty() || !constantTimeEquals(expected, token)) {
    return Error{ErrorCode::kInvalid, "Invalid join token"};
  }
  if (!isValidCurveKeyText(clusterKey)) {
    return Error{ErrorCode::kInvalid, "Malformed cluster public key"};
  }
  if (auto written = writeKeyFile(clusterKeyPath(dataDir), clusterKey); !written) {
    return written;
  }
  fs::remove(joinTokenPath(dataDir), ec);
  if (ec) {
    return Error{ErrorCode::kEnvironment, "Joined, but cannot remove " +
                                              joinTokenPath(dataDir).string() +
                                              ": " + ec.message()};
  }
  try {
    util::fsyncDirectory(dataDir);
  } catch (const util::FileWriteError& e) {
    return Error{ErrorCode::kEnvironment, e.what()};
  }
  return sdk::ok();
}

}  // namespace gantry::core::rpc
