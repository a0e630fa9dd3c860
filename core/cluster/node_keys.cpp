#include "core/cluster/node_keys.h"

#include <nlohmann/json.hpp>

#include "core/rpc/keys.h"
#include "core/rpc/small_file.h"
#include "core/util/atomic_file.h"
#include "core/util/names.h"

namespace gantry::core::cluster {
namespace fs = std::filesystem;
using sdk::Error;
using sdk::ErrorCode;

fs::path nodeKeysDir(const fs::path& dataDir) { return dataDir / "node-keys"; }

sdk::Result<fs::path> acceptedNodePath(const fs::path& dataDir, std::string_view name) {
  if (auto ok = util::checkHostname(name); !ok) {
    return Error{ErrorCode::kInvalid, "Invalid node name '" + std::string(name) + "'"};
  }
  return nodeKeysDir(dataDir) / (std::string(name) + ".json");
}

sdk::Result<void> saveAcceptedNode(const fs::path& dataDir, std::string_view name,
                                   const AcceptedNode& node) {
  auto path = acceptedNodePath(dataDir, name);
  if (!path) return std::move(path).error();
  if (!rpc::isValidCurveKeyText(node.publicKey)) {
    return Error{ErrorCode::kInvalid, "Malformed node public key"};
  }
  try {
    fs::create_directories(path->parent_path());
    const nlohmann::json doc = {{"public_key", node.publicKey}, {"port", node.port}};
    util::atomicWriteFile(*path, doc.dump() + "\n", 0600);
  } catch (const std::exception& e) {
    return Error{ErrorCode::kEnvironment, e.what()};
  }
  return {};
}

sdk::Result<AcceptedNode> loadAcceptedNode(const fs::path& dataDir, std::string_view name) {
  auto path = acceptedNodePath(dataDir, name);
  if (!path) return std::move(path).error();
  auto text = rpc::readSmallFile(*path, 4096);
  if (!text) {
    if (text.error().code == ErrorCode::kNotFound) {
      return Error{ErrorCode::kNotFound,
                   "Node " + std::string(name) + " has not been accepted (no known node key)"};
    }
    return std::move(text).error();
  }
  try {
    const auto doc = nlohmann::json::parse(*text);
    AcceptedNode node;
    node.publicKey = doc.at("public_key").get<std::string>();
    node.port = doc.at("port").get<std::uint16_t>();
    if (!rpc::isValidCurveKeyText(node.publicKey)) throw std::runtime_error("bad key");
    return node;
  } catch (const std::exception&) {
    return Error{ErrorCode::kEnvironment, path->string() + " is malformed"};
  }
}

void removeAcceptedNode(const fs::path& dataDir, std::string_view name) {
  auto path = acceptedNodePath(dataDir, name);
  if (!path) return;
  std::error_code ec;
  fs::remove(*path, ec);
}

}  // namespace gantry::core::cluster
