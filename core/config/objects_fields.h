// Reading and writing one config object's keys while keeping what a round
// trip needs (ObjectExtras). Used by objects.cpp only.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/config/objects.h"

namespace gantry::core::config::detail {

/// Takes typed keys out of one JSON object; whatever is left at finish()
/// goes to ObjectExtras::unknown. A key not read here is therefore kept.
class FieldReader {
 public:
  FieldReader(const nlohmann::json& json, std::string context,
              ObjectExtras& extras);

  const std::string& context() const { return context_; }

  /// Throws ConfigError when the key is missing or of the wrong type.
  template <typename T>
  void required(const char* key, T& out) {
    const nlohmann::json* value = find(key);
    if (value == nullptr) missing(key);
    convert(key, *value, out);
  }

  /// Leaves `out` at its reader default when the key is missing.
  template <typename T>
  void optional(const char* key, T& out) {
    if (const nlohmann::json* value = find(key)) convert(key, *value, out);
  }

  /// Absent or null give nullopt; null is remembered to be written back.
  template <typename T>
  void optional(const char* key, std::optional<T>& out) {
    out.reset();
    const nlohmann::json* value = find(key);
    if (value == nullptr) return;
    if (value->is_null()) {
      extras_.nulls.insert(key);
      return;
    }
    T converted{};
    convert(key, *value, converted);
    out = std::move(converted);
  }

  /// The raw value of a key (nullptr when missing), for nested objects.
  const nlohmann::json* raw(const char* key) { return find(key); }
  [[noreturn]] void missing(const char* key) const;
  [[noreturn]] void wrongType(const char* key, const std::string& why) const;

  /// Stores the keys nobody read as unknown.
  void finish();

 private:
  const nlohmann::json* find(const char* key);

  template <typename T>
  void convert(const char* key, const nlohmann::json& value, T& out) {
    try {
      value.get_to(out);
    } catch (const nlohmann::json::exception& e) {
      wrongType(key, e.what());
    }
  }

  const nlohmann::json& json_;
  std::string context_;
  ObjectExtras& extras_;
  std::set<std::string> read_;
};

/// Builds one JSON object: unknown keys first, then the typed ones.
class FieldWriter {
 public:
  explicit FieldWriter(const ObjectExtras& extras)
      : extras_(extras), out_(extras.unknown) {
    if (!out_.is_object()) out_ = nlohmann::json::object();
  }

  /// Always written.
  void put(const char* key, nlohmann::json value) {
    out_[key] = std::move(value);
  }

  /// A key with a reader default: not written when it was missing at load
  /// and still holds that default.
  void putDefaulted(const char* key, nlohmann::json value,
                    const nlohmann::json& fallback) {
    if (extras_.loaded && !extras_.present.contains(key) && value == fallback)
      return;
    out_[key] = std::move(value);
  }

  /// A key Ganeti omits while it holds its default (e.g. `forthcoming`
  /// only as true, empty hv_state_static): written when it differs from
  /// the default or was present at load.
  void putUnlessDefault(const char* key, nlohmann::json value,
                        const nlohmann::json& fallback) {
    if (value == fallback && !extras_.present.contains(key)) return;
    out_[key] = std::move(value);
  }

  /// Written when set; null only when it was null at load.
  template <typename T>
  void putOptional(const char* key, const std::optional<T>& value) {
    if (value) {
      out_[key] = *value;
    } else if (extras_.nulls.contains(key)) {
      out_[key] = nullptr;
    }
  }

  nlohmann::json take() { return std::move(out_); }

 private:
  const ObjectExtras& extras_;
  nlohmann::json out_;
};

}  // namespace gantry::core::config::detail
