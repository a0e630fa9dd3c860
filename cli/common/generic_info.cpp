#include "cli/common/generic_info.h"

#include <algorithm>
#include <vector>

namespace gantry::cli {
namespace {
using core::luxi::Json;

std::string scalarText(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "True" : "False";
  if (value.is_null()) return "None";
  return value.dump();
}

void serialize(std::string& out, const Json& data, int level, bool afterKey) {
  const std::string indent = "  ";
  if (data.is_object() || data.is_array()) {
    if (data.empty()) {
      out += "\n";
      return;
    }
    bool doIndent = afterKey;
    if (afterKey) out += "\n";
    if (data.is_object()) {
      for (const auto& [key, value] : data.items()) {
        if (doIndent) {
          for (int i = 0; i < level; ++i) out += indent;
        }
        doIndent = true;
        out += key + ": ";
        serialize(out, value, level + 1, true);
      }
    } else {
      for (const auto& item : data) {
        if (doIndent) {
          for (int i = 0; i < level; ++i) out += indent;
        }
        doIndent = true;
        out += "- ";
        serialize(out, item, level + 1, false);
      }
    }
    return;
  }
  out += scalarText(data) + "\n";
}

}  // namespace

std::string formatGenericInfo(const Json& data) {
  std::string out;
  serialize(out, data, 0, false);
  return out;
}

Json sortedObject(const Json& object) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  Json out = Json::object();
  for (const auto& key : keys) {
    const Json& value = object.at(key);
    out[key] = value.is_object() ? sortedObject(value) : value;
  }
  return out;
}

}  // namespace gantry::cli
