#include "cli/common/key_values.h"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <stdexcept>

namespace gantry::cli {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

nlohmann::json typedValue(const std::string& key, const std::string& value,
                          const nlohmann::json& defaults) {
  const auto it = defaults.find(key);
  if (it == defaults.end()) return value;
  if (it->is_boolean()) {
    const std::string v = lower(value);
    if (v == "true" || v == "yes" || v == "1") return true;
    if (v == "false" || v == "no" || v == "0") return false;
    throw std::invalid_argument("Parameter '" + key + "' needs a boolean value, not '" +
                                value + "'");
  }
  if (it->is_number_integer()) {
    try {
      std::size_t used = 0;
      const long long n = std::stoll(value, &used);
      if (used == value.size()) return n;
    } catch (const std::exception&) {
    }
    throw std::invalid_argument("Parameter '" + key + "' needs an integer value, not '" +
                                value + "'");
  }
  if (it->is_number_float()) {
    try {
      return std::stod(value);
    } catch (const std::exception&) {
      throw std::invalid_argument("Parameter '" + key + "' needs a number, not '" + value +
                                  "'");
    }
  }
  return value;
}

}  // namespace

std::vector<std::string> splitCommaList(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

nlohmann::json parseKeyValues(const std::string& text, const nlohmann::json& defaults) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& part : splitCommaList(text)) {
    const auto eq = part.find('=');
    if (eq == std::string::npos) {
      if (part.rfind("no_", 0) == 0) {
        out[part.substr(3)] = false;
      } else if (part[0] == '-') {
        out[part.substr(1)] = nullptr;
      } else {
        out[part] = true;
      }
      continue;
    }
    const std::string key = part.substr(0, eq);
    out[key] = typedValue(key, part.substr(eq + 1), defaults);
  }
  return out;
}

std::pair<std::string, nlohmann::json> parseGroupedKeyValues(const std::string& text,
                                                             const nlohmann::json& defaults) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) return {text, nlohmann::json::object()};
  return {text.substr(0, colon), parseKeyValues(text.substr(colon + 1), defaults)};
}

bool parseYesNo(const std::string& text) {
  const std::string v = lower(text);
  if (v == "yes") return true;
  if (v == "no") return false;
  throw std::invalid_argument("invalid yes/no value '" + text + "'");
}

}  // namespace gantry::cli
