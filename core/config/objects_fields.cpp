#include "core/config/objects_fields.h"

namespace gantry::core::config::detail {

FieldReader::FieldReader(const nlohmann::json& json, std::string context,
                         ObjectExtras& extras)
    : json_(json), context_(std::move(context)), extras_(extras) {
  if (!json_.is_object()) {
    throw ConfigError(context_ + ": expected a JSON object, found " +
                      std::string(json_.type_name()));
  }
  extras_ = ObjectExtras{};
  extras_.loaded = true;
}

const nlohmann::json* FieldReader::find(const char* key) {
  read_.insert(key);
  auto it = json_.find(key);
  if (it == json_.end()) return nullptr;
  extras_.present.insert(key);
  return &*it;
}

void FieldReader::missing(const char* key) const {
  throw ConfigError(context_ + ": missing key '" + key + "'");
}

void FieldReader::wrongType(const char* key, const std::string& why) const {
  throw ConfigError(context_ + ": bad value for '" + key + "': " + why);
}

void FieldReader::finish() {
  for (auto it = json_.begin(); it != json_.end(); ++it) {
    if (!read_.contains(it.key())) extras_.unknown[it.key()] = it.value();
  }
}

}  // namespace gantry::core::config::detail
