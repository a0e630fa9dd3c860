// Constants and small helpers shared by the kvm hypervisor's source files.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "gantry/sdk/result.h"

namespace gantry::plugins::kvm::detail {

inline constexpr std::chrono::milliseconds kQmpConnectTimeout{10000};
inline constexpr std::chrono::milliseconds kQmpCommandTimeout{10000};
inline constexpr std::chrono::milliseconds kLaunchTimeout{60000};
inline constexpr std::chrono::milliseconds kKillTimeout{10000};
inline constexpr std::chrono::milliseconds kSoftRebootTimeout{60000};
// How often a soft stop presses the power button again (Ganeti retries
// its shutdown every 5 s until the timeout).
inline constexpr std::chrono::milliseconds kPowerButtonRepeat{5000};
inline constexpr std::chrono::milliseconds kMigrationSettleTimeout{15000};
inline constexpr std::int64_t kMiB = 1024 * 1024;

inline std::string str(std::string_view s) { return std::string(s); }

/// "Failed to start instance x: <error>", keeping the error's code.
inline sdk::Error withContext(const std::string& context, const sdk::Error& error) {
  return {error.code, context + ": " + error.message};
}

/// "tcp:<host>:<port>", IPv6 hosts in brackets.
inline std::string tcpUri(std::string_view address, std::int64_t port) {
  const std::string host(address);
  const bool v6 = host.find(':') != std::string::npos && host.front() != '[';
  return "tcp:" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

/// Members of a QMP reply, read without throwing: the fallback when the
/// member is missing or of another type (nothing may throw out of a plugin).
inline std::int64_t intField(const nlohmann::json& object, const char* key,
                             std::int64_t fallback = 0) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<std::int64_t>() : fallback;
}
inline std::string stringField(const nlohmann::json& object, const char* key,
                               const std::string& fallback = "") {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

}  // namespace gantry::plugins::kvm::detail
