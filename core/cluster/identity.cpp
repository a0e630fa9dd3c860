#include "core/cluster/identity.h"

#include <sstream>

#include "core/rpc/small_file.h"
#include "core/util/atomic_file.h"

namespace gantry::core::cluster {
namespace fs = std::filesystem;
using sdk::Error;
using sdk::ErrorCode;

fs::path identityPath(const fs::path& root) { return root / "etc/gantry/node-identity"; }

sdk::Result<NodeIdentity> parseIdentity(std::string_view text) {
  NodeIdentity id;
  std::istringstream in{std::string(text)};
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    line = rpc::trimRight(line);
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find('=');
    if (eq == std::string::npos) {
      return Error{ErrorCode::kInvalid, "Line " + std::to_string(number) +
                                            " of the node identity is not key=value"};
    }
    const std::string key = line.substr(0, eq);
    const std::string value = line.substr(eq + 1);
    if (key == "name") {
      id.name = value;
    } else if (key == "primary_ip") {
      id.primaryIp = value;
    } else if (key == "secondary_ip") {
      id.secondaryIp = value;
    } else if (key == "rpc_port") {
      int port = 0;
      try {
        std::size_t used = 0;
        port = std::stoi(value, &used);
        if (used != value.size()) port = 0;
      } catch (const std::exception&) {
        port = 0;
      }
      if (port <= 0 || port > 65535) {
        return Error{ErrorCode::kInvalid, "Invalid rpc_port '" + value + "' in the node identity"};
      }
      id.rpcPort = static_cast<std::uint16_t>(port);
    } else {
      return Error{ErrorCode::kInvalid, "Unknown key '" + key + "' in the node identity"};
    }
  }
  if (id.name.empty()) return Error{ErrorCode::kInvalid, "The node identity has no name"};
  if (id.primaryIp.empty()) {
    return Error{ErrorCode::kInvalid, "The node identity has no primary_ip"};
  }
  if (id.secondaryIp.empty()) id.secondaryIp = id.primaryIp;
  return id;
}

std::string formatIdentity(const NodeIdentity& identity) {
  return "name=" + identity.name + "\nprimary_ip=" + identity.primaryIp +
         "\nsecondary_ip=" + identity.secondaryIp +
         "\nrpc_port=" + std::to_string(identity.rpcPort) + "\n";
}

sdk::Result<NodeIdentity> loadIdentity(const fs::path& root) {
  auto text = rpc::readSmallFile(identityPath(root), 4096);
  if (!text) return std::move(text).error();
  auto id = parseIdentity(*text);
  if (!id) {
    return Error{ErrorCode::kInvalid, identityPath(root).string() + ": " + id.error().message};
  }
  return id;
}

sdk::Result<void> saveIdentity(const fs::path& root, const NodeIdentity& identity) {
  try {
    fs::create_directories(identityPath(root).parent_path());
    util::atomicWriteFile(identityPath(root), formatIdentity(identity), 0644);
  } catch (const std::exception& e) {
    return Error{ErrorCode::kEnvironment, e.what()};
  }
  return {};
}

}  // namespace gantry::core::cluster
