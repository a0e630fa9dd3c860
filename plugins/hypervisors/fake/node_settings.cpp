#include "node_settings.h"

#include <cctype>
#include <cmath>
#include <optional>
#include <string>

namespace gantry::plugins::fake {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

// Ganeti's ParseUnit units, case-insensitive.
std::optional<std::int64_t> unitFactorMiB(std::string_view unit) {
  const std::string u = lower(unit);
  if (u.empty() || u == "m" || u == "mb" || u == "mib") return 1;
  if (u == "g" || u == "gb" || u == "gib") return 1024;
  if (u == "t" || u == "tb" || u == "tib") return 1024 * 1024;
  return std::nullopt;
}

sdk::Error badSetting(std::string_view key, std::string_view value,
                      std::string_view why) {
  return {sdk::ErrorCode::kEnvironment,
          "Invalid value '" + std::string(value) + "' for setting '" +
              std::string(key) + "': " + std::string(why)};
}

sdk::Result<std::optional<std::int64_t>> memorySetting(const sdk::Host& host,
                                                       std::string_view key) {
  const auto value = host.setting(key);
  if (!value) return std::optional<std::int64_t>{};
  auto mib = parseMemoryMiB(*value);
  if (!mib) return badSetting(key, *value, mib.error().message);
  return std::optional<std::int64_t>{*mib};
}

sdk::Result<std::optional<std::int64_t>> countSetting(const sdk::Host& host,
                                                      std::string_view key) {
  const auto value = host.setting(key);
  if (!value) return std::optional<std::int64_t>{};
  const std::string_view text = trim(*value);
  std::int64_t n = 0;
  if (text.empty() || text.size() > 9) {
    return badSetting(key, *value, "not a whole number");
  }
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return badSetting(key, *value, "not a whole number");
    }
    n = n * 10 + (c - '0');
  }
  return std::optional<std::int64_t>{n};
}

}  // namespace

sdk::Result<std::int64_t> parseMemoryMiB(std::string_view text) {
  text = trim(text);
  std::size_t end = 0;
  bool seenDot = false;
  while (end < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[end])) ||
          (text[end] == '.' && !seenDot))) {
    seenDot = seenDot || text[end] == '.';
    ++end;
  }
  const std::string number(text.substr(0, end));
  if (number.empty() || number == ".") {
    return sdk::Error{sdk::ErrorCode::kInvalid, "not a size"};
  }
  // Far beyond any real machine; keeps std::stod and the sums below in range.
  if (number.size() > 15) return sdk::Error{sdk::ErrorCode::kInvalid, "too large"};
  const auto factor = unitFactorMiB(trim(text.substr(end)));
  if (!factor) return sdk::Error{sdk::ErrorCode::kInvalid, "unknown unit"};
  const double mib = std::ceil(std::stod(number) * static_cast<double>(*factor));
  if (mib > 1e12) return sdk::Error{sdk::ErrorCode::kInvalid, "too large"};
  return static_cast<std::int64_t>(mib);
}

sdk::Result<NodeSettings> readNodeSettings(const sdk::Host& host) {
  NodeSettings s;
  auto memory = memorySetting(host, kSettingMemory);
  if (!memory) return std::move(memory).error();
  auto nodeMemory = memorySetting(host, kSettingNodeMemory);
  if (!nodeMemory) return std::move(nodeMemory).error();
  auto hvMemory = memorySetting(host, kSettingHvMemory);
  if (!hvMemory) return std::move(hvMemory).error();
  auto cpus = countSetting(host, kSettingCpus);
  if (!cpus) return std::move(cpus).error();
  auto nodeCpus = countSetting(host, kSettingNodeCpus);
  if (!nodeCpus) return std::move(nodeCpus).error();

  if (*memory) s.memoryTotalMiB = **memory;
  if (*nodeMemory) s.memoryDom0MiB = **nodeMemory;
  if (*hvMemory) s.memoryHvMiB = **hvMemory;
  if (*cpus) s.cpuTotal = **cpus;
  s.cpuDom0 = nodeCpus->value_or(s.cpuTotal);

  if (s.memoryTotalMiB <= 0) {
    return badSetting(kSettingMemory, *host.setting(kSettingMemory),
                      "must be more than 0");
  }
  if (s.memoryHvMiB > 0 && s.memoryDom0MiB + s.memoryHvMiB > s.memoryTotalMiB) {
    return sdk::Error{sdk::ErrorCode::kEnvironment,
                      "Settings '" + std::string(kSettingNodeMemory) + "' and '" +
                          std::string(kSettingHvMemory) + "' (" +
                          std::to_string(s.memoryDom0MiB + s.memoryHvMiB) +
                          " MiB together) exceed the node's memory (" +
                          std::to_string(s.memoryTotalMiB) + " MiB)"};
  }
  if (s.memoryDom0MiB > s.memoryTotalMiB) {
    return sdk::Error{sdk::ErrorCode::kEnvironment,
                      "Setting '" + std::string(kSettingNodeMemory) + "' (" +
                          std::to_string(s.memoryDom0MiB) +
                          " MiB) exceeds the node's memory (" +
                          std::to_string(s.memoryTotalMiB) + " MiB)"};
  }
  if (s.cpuTotal <= 0) {
    return badSetting(kSettingCpus, *host.setting(kSettingCpus),
                      "must be more than 0");
  }
  if (s.cpuDom0 > s.cpuTotal) {
    return sdk::Error{sdk::ErrorCode::kEnvironment,
                      "Setting '" + std::string(kSettingNodeCpus) + "' (" +
                          std::to_string(s.cpuDom0) +
                          ") exceeds the node's CPUs (" +
                          std::to_string(s.cpuTotal) + ")"};
  }
  return s;
}

}  // namespace gantry::plugins::fake
