// Members of a config document by reference: a loop over
// `doc.value(key, {}).items()` would iterate a temporary that is already
// gone (and copy the member first), so loops use these instead.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace gantry::core::cluster {

/// doc[key] when it is an object, else an empty object.
inline const nlohmann::json& objectMember(const nlohmann::json& doc, std::string_view key) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  if (!doc.is_object()) return kEmpty;
  auto it = doc.find(key);
  return it != doc.end() && it->is_object() ? *it : kEmpty;
}

/// doc[key] when it is an array, else an empty array.
inline const nlohmann::json& arrayMember(const nlohmann::json& doc, std::string_view key) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  if (!doc.is_object()) return kEmpty;
  auto it = doc.find(key);
  return it != doc.end() && it->is_array() ? *it : kEmpty;
}

}  // namespace gantry::core::cluster
