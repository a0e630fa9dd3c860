#include "cli/gnt-instance/instance_options.h"

#include <map>

#include "cli/common/key_values.h"
#include "core/luxi/errors.h"
#include "core/util/units.h"

namespace gantry::cli::instance {
using core::luxi::Json;

void refuse(const std::string& message) {
  throw core::luxi::opPrereqError(message, "wrong_input");
}

std::int64_t size(const std::string& text) {
  auto parsed = core::util::parseUnit(text);
  if (!parsed) refuse(parsed.error().message);
  return *parsed;
}

// "N:k=v,..." items (--disk, --net) -> list indexed by N.
Json indexedItems(const std::vector<std::string>& items, const char* what) {
  std::map<int, Json> byIndex;
  for (const auto& item : items) {
    const auto colon = item.find(':');
    int index = 0;
    try {
      index = std::stoi(item.substr(0, colon));
    } catch (const std::exception&) {
      refuse(std::string("Invalid ") + what + " index passed: " + item);
    }
    Json params = colon == std::string::npos ? Json::object()
                                             : Json(parseKeyValues(item.substr(colon + 1), nlohmann::json::object()));
    if (byIndex.count(index)) refuse(std::string("Duplicate ") + what + " index " + std::to_string(index));
    byIndex[index] = params;
  }
  Json list = Json::array();
  int expected = 0;
  for (auto& [index, params] : byIndex) {
    if (index != expected) {
      refuse(std::string("Missing ") + what + " with index " + std::to_string(expected));
    }
    list.push_back(params);
    ++expected;
  }
  return list;
}

Json beparams(const ParsedOptions& o) {
  Json be = Json::object();
  for (const auto& text : o.all("beparams")) {
    const auto parsed = parseKeyValues(text, nlohmann::json::object());
    for (const auto& [key, value] : parsed.items()) be[key] = Json(value);
  }
  for (const char* key : {"memory", "maxmem", "minmem"}) {
    if (be.contains(key)) {
      be[key] = size(be[key].is_string() ? be[key].get<std::string>() : be[key].dump());
    }
  }
  if (be.contains("vcpus") && be["vcpus"].is_string()) {
    try {
      be["vcpus"] = std::stoll(be["vcpus"].get<std::string>());
    } catch (const std::exception&) {
      refuse("Invalid vcpus value '" + be["vcpus"].get<std::string>() + "'");
    }
  }
  return be;
}

Json osparams(const ParsedOptions& o) {
  Json params = Json::object();
  for (const auto& text : o.all("osparams")) {
    const auto parsed = parseKeyValues(text, nlohmann::json::object());
    for (const auto& [key, value] : parsed.items()) params[key] = Json(value);
  }
  return params;
}


}  // namespace gantry::cli::instance
