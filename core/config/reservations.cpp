#include "core/config/reservations.h"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/config/store.h"

namespace gantry::core::config {

namespace {

using Json = nlohmann::json;

// Random values collide with the config only by (bad) luck; a few retries
// make a failure practically impossible unless the space is nearly full.
constexpr int kMaxAttempts = 64;

[[noreturn]] void refuse(sdk::ErrorCode code, const std::string& message) {
  throw ReservationError(code, message);
}

template <std::size_t N>
std::array<unsigned char, N> randomBytes() {
  std::array<unsigned char, N> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(N)) != 1) {
    refuse(sdk::ErrorCode::kFault, "The random number generator failed");
  }
  return bytes;
}

std::string hex(const unsigned char* data, std::size_t size) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(digits[data[i] >> 4]);
    out.push_back(digits[data[i] & 0xF]);
  }
  return out;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// "xx:xx:...": `groups` pairs of hex digits.
bool isHexGroups(const std::string& text, std::size_t groups) {
  if (text.size() != groups * 3 - 1) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i % 3 == 2) {
      if (text[i] != ':') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(text[i]))) {
      return false;
    }
  }
  return true;
}

const Json& member(const Json& object, const char* key) {
  static const Json kEmpty = Json::object();
  if (!object.is_object()) return kEmpty;
  auto it = object.find(key);
  return it == object.end() ? kEmpty : *it;
}

// Calls `visit(logical_id)` for every DRBD disk in the config, children
// included (a DRBD disk could sit under another device).
template <typename Visit>
void forEachDrbdDisk(const Json& doc, Visit&& visit) {
  auto walk = [&](const Json& disk, auto&& self) -> void {
    if (!disk.is_object()) return;
    const std::string type = disk.value("dev_type", "");
    const Json& logical_id = member(disk, "logical_id");
    if ((type == "drbd" || type == "drbd8") && logical_id.is_array() &&
        logical_id.size() >= 6) {
      visit(logical_id);
    }
    const Json& children = member(disk, "children");
    if (children.is_array()) {
      for (const Json& child : children) self(child, self);
    }
  };
  for (const auto& [uuid, disk] : member(doc, "disks").items()) walk(disk, walk);
}

std::set<std::string> macsInConfig(const Json& doc) {
  std::set<std::string> macs;
  for (const auto& [uuid, instance] : member(doc, "instances").items()) {
    const Json& nics = member(instance, "nics");
    if (!nics.is_array()) continue;
    for (const Json& nic : nics) {
      if (nic.is_object() && nic.contains("mac") && nic["mac"].is_string()) {
        macs.insert(lower(nic["mac"].get<std::string>()));
      }
    }
  }
  return macs;
}

}  // namespace

Reservations::Reservations(ConfigStore& store) : store_(store) {}

bool Reservations::reservedByOther(const Key& key,
                                   const ReservationOwner& owner) const {
  auto it = held_.find(key);
  return it != held_.end() && !(it->second == owner);
}

void Reservations::reserveLocked(const Key& key, const ReservationOwner& owner) {
  held_.emplace(key, owner);
}

std::string Reservations::generateUuid(const ReservationOwner& owner) {
  std::lock_guard lock(mutex_);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto bytes = randomBytes<16>();
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40);  // version 4
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
    const std::string h = hex(bytes.data(), bytes.size());
    std::string uuid = h.substr(0, 8) + "-" + h.substr(8, 4) + "-" +
                       h.substr(12, 4) + "-" + h.substr(16, 4) + "-" +
                       h.substr(20, 12);
    if (held_.count({Kind::kUuid, uuid})) continue;
    bool in_config = false;
    store_.read([&](const Json& doc) {
      for (const char* collection :
           {"nodes", "nodegroups", "instances", "disks", "networks", "filters"}) {
        if (member(doc, collection).contains(uuid)) in_config = true;
      }
      if (member(doc, "cluster").value("uuid", "") == uuid) in_config = true;
    });
    if (in_config) continue;
    reserveLocked({Kind::kUuid, uuid}, owner);
    return uuid;
  }
  refuse(sdk::ErrorCode::kNoResources, "Cannot generate a unique UUID");
}

std::string Reservations::generateMac(const ReservationOwner& owner,
                                      const std::string& network_uuid) {
  std::lock_guard lock(mutex_);
  std::string prefix;
  std::set<std::string> used;
  store_.read([&](const Json& doc) {
    if (!network_uuid.empty()) {
      const Json& network = member(member(doc, "networks"), network_uuid.c_str());
      if (network.empty()) {
        refuse(sdk::ErrorCode::kNotFound, "Network '" + network_uuid + "' not found");
      }
      prefix = network.value("mac_prefix", "");
    }
    if (prefix.empty()) prefix = member(doc, "cluster").value("mac_prefix", "");
    used = macsInConfig(doc);
  });
  prefix = lower(prefix);
  if (!isHexGroups(prefix, 3)) {
    refuse(sdk::ErrorCode::kInvalid, "Invalid MAC prefix '" + prefix + "'");
  }
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto bytes = randomBytes<3>();
    char tail[10];
    std::snprintf(tail, sizeof tail, ":%02x:%02x:%02x", bytes[0], bytes[1], bytes[2]);
    std::string mac = prefix + tail;
    if (used.count(mac) || held_.count({Kind::kMac, mac})) continue;
    reserveLocked({Kind::kMac, mac}, owner);
    return mac;
  }
  refuse(sdk::ErrorCode::kNoResources, "Cannot generate a unique MAC address");
}

void Reservations::reserveMac(const ReservationOwner& owner, const std::string& mac) {
  const std::string normal = lower(mac);
  if (!isHexGroups(normal, 6)) {
    refuse(sdk::ErrorCode::kInvalid, "Invalid MAC address '" + mac + "'");
  }
  std::lock_guard lock(mutex_);
  bool in_config = false;
  store_.read([&](const Json& doc) { in_config = macsInConfig(doc).count(normal) > 0; });
  if (in_config || reservedByOther({Kind::kMac, normal}, owner)) {
    refuse(sdk::ErrorCode::kNotUnique, "MAC address " + normal + " is already in use");
  }
  reserveLocked({Kind::kMac, normal}, owner);
}

std::vector<int> Reservations::allocateDrbdMinors(
    const ReservationOwner& owner, const std::vector<std::string>& node_uuids) {
  std::lock_guard lock(mutex_);
  std::map<std::string, std::set<int>> used;
  store_.read([&](const Json& doc) {
    const Json& nodes = member(doc, "nodes");
    for (const std::string& node : node_uuids) {
      if (!nodes.contains(node)) {
        refuse(sdk::ErrorCode::kNotFound, "Node '" + node + "' not found");
      }
    }
    forEachDrbdDisk(doc, [&](const Json& logical_id) {
      for (int side = 0; side < 2; ++side) {
        if (logical_id[side].is_string() && logical_id[3 + side].is_number_integer()) {
          used[logical_id[side].get<std::string>()].insert(logical_id[3 + side].get<int>());
        }
      }
    });
  });
  std::vector<int> minors;
  for (const std::string& node : node_uuids) {
    std::set<int>& taken = used[node];
    int minor = 0;
    while (taken.count(minor) ||
           held_.count({Kind::kMinor, node + "/" + std::to_string(minor)})) {
      ++minor;
    }
    taken.insert(minor);  // the same node twice in one call
    minors.push_back(minor);
  }
  for (std::size_t i = 0; i < node_uuids.size(); ++i) {
    reserveLocked({Kind::kMinor, node_uuids[i] + "/" + std::to_string(minors[i])}, owner);
  }
  return minors;
}

std::string Reservations::generateDrbdSecret(const ReservationOwner& owner) {
  std::lock_guard lock(mutex_);
  std::set<std::string> used;
  store_.read([&](const Json& doc) {
    forEachDrbdDisk(doc, [&](const Json& logical_id) {
      if (logical_id[5].is_string()) used.insert(logical_id[5].get<std::string>());
    });
  });
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto bytes = randomBytes<20>();
    std::string secret = hex(bytes.data(), bytes.size());
    if (used.count(secret) || held_.count({Kind::kSecret, secret})) continue;
    reserveLocked({Kind::kSecret, secret}, owner);
    return secret;
  }
  refuse(sdk::ErrorCode::kNoResources, "Cannot generate a unique DRBD secret");
}

int Reservations::allocatePort() {
  std::lock_guard lock(mutex_);
  int port = -1;
  store_.commitWith([&](const Json& doc) {
    const Json& cluster = member(doc, "cluster");
    std::vector<int> pool;
    const Json& pool_json = member(cluster, "tcpudp_port_pool");
    if (pool_json.is_array()) pool = pool_json.get<std::vector<int>>();
    if (!pool.empty()) {
      auto lowest = std::min_element(pool.begin(), pool.end());
      port = *lowest;
      pool.erase(lowest);
      return StoreChange{StoreOp::put("/cluster/tcpudp_port_pool", pool)};
    }
    if (!cluster.contains("highest_used_port") ||
        !cluster["highest_used_port"].is_number_integer()) {
      refuse(sdk::ErrorCode::kFault, "The cluster has no highest_used_port");
    }
    port = cluster["highest_used_port"].get<int>() + 1;
    if (port >= kLastPort) {
      refuse(sdk::ErrorCode::kNoResources,
             "The highest used port is greater than " + std::to_string(kLastPort) +
                 ". Aborting.");
    }
    return StoreChange{StoreOp::put("/cluster/highest_used_port", port)};
  });
  return port;
}

void Reservations::releasePort(int port) {
  if (port <= 0 || port > 65535) {
    refuse(sdk::ErrorCode::kInvalid, "Invalid port " + std::to_string(port));
  }
  std::lock_guard lock(mutex_);
  store_.commitWith([&](const Json& doc) {
    const Json& pool_json = member(member(doc, "cluster"), "tcpudp_port_pool");
    std::vector<int> pool;
    if (pool_json.is_array()) pool = pool_json.get<std::vector<int>>();
    if (std::find(pool.begin(), pool.end(), port) != pool.end()) return StoreChange{};
    pool.push_back(port);
    return StoreChange{StoreOp::put("/cluster/tcpudp_port_pool", pool)};
  });
}

void Reservations::reserveIp(const ReservationOwner& owner,
                             const std::string& network_uuid, const std::string& ip) {
  std::lock_guard lock(mutex_);
  bool known = false;
  store_.read([&](const Json& doc) { known = member(doc, "networks").contains(network_uuid); });
  if (!known) refuse(sdk::ErrorCode::kNotFound, "Network '" + network_uuid + "' not found");
  const Key key{Kind::kIp, network_uuid + "/" + ip};
  if (reservedByOther(key, owner)) {
    refuse(sdk::ErrorCode::kNotUnique,
           "IP address " + ip + " is already reserved in network " + network_uuid);
  }
  reserveLocked(key, owner);
}

void Reservations::reserveName(const ReservationOwner& owner, const std::string& name) {
  std::lock_guard lock(mutex_);
  bool in_config = false;
  store_.read([&](const Json& doc) {
    for (const auto& [uuid, instance] : member(doc, "instances").items()) {
      if (instance.is_object() && instance.value("name", "") == name) in_config = true;
    }
  });
  const Key key{Kind::kName, name};
  if (in_config || reservedByOther(key, owner)) {
    refuse(sdk::ErrorCode::kNotUnique, "Instance name '" + name + "' is already in use");
  }
  reserveLocked(key, owner);
}

void Reservations::releaseAll(const ReservationOwner& owner) {
  std::lock_guard lock(mutex_);
  std::erase_if(held_, [&](const auto& entry) { return entry.second == owner; });
}

std::size_t Reservations::countOwnedBy(const ReservationOwner& owner) const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::count_if(
      held_.begin(), held_.end(), [&](const auto& entry) { return entry.second == owner; }));
}

}  // namespace gantry::core::config
