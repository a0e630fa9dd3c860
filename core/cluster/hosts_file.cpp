#include "core/cluster/hosts_file.h"

#include <sstream>

#include "core/rpc/small_file.h"

namespace gantry::core::cluster {
namespace fs = std::filesystem;

fs::path hostsFilePath(const fs::path& root) { return root / "etc/hosts"; }

std::map<std::string, std::string> parseHosts(std::string_view text) {
  std::map<std::string, std::string> hosts;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream words(line);
    std::string ip;
    if (!(words >> ip)) continue;
    std::string name;
    while (words >> name) hosts.emplace(name, ip);
  }
  return hosts;
}

sdk::Result<std::string> resolveHost(const fs::path& root, std::string_view name) {
  auto text = rpc::readSmallFile(hostsFilePath(root), 1 << 20);
  const std::string message = "can't resolve hostname '" + std::string(name) + "'";
  if (!text) return sdk::Error{sdk::ErrorCode::kNotFound, message};
  const auto hosts = parseHosts(*text);
  auto it = hosts.find(std::string(name));
  if (it == hosts.end()) return sdk::Error{sdk::ErrorCode::kNotFound, message};
  return it->second;
}

}  // namespace gantry::core::cluster
