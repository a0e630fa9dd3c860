#include "core/util/json_fast_parse.h"

#include <cmath>

#include <simdjson.h>

namespace gantry::core::util {
namespace {

// A value nlohmann reads differently (a float -0.0): the document is left
// to nlohmann.
struct NotNlohmanns {};

template <typename Json>
Json convert(simdjson::dom::element element) {
  using Type = simdjson::dom::element_type;
  switch (element.type()) {
    case Type::OBJECT: {
      Json out = Json::object();
      const simdjson::dom::object object = element.get_object().value_unsafe();
      for (auto field : object) out[std::string(field.key)] = convert<Json>(field.value);
      return out;
    }
    case Type::ARRAY: {
      Json out = Json::array();
      const simdjson::dom::array array = element.get_array().value_unsafe();
      for (auto item : array) out.push_back(convert<Json>(item));
      return out;
    }
    case Type::STRING:
      return std::string(element.get_string().value_unsafe());
    case Type::INT64: {
      const std::int64_t value = element.get_int64().value_unsafe();
      // nlohmann reads a non-negative integer as unsigned.
      if (value >= 0) return static_cast<std::uint64_t>(value);
      return value;
    }
    case Type::UINT64:
      return element.get_uint64().value_unsafe();
    case Type::DOUBLE: {
      const double value = element.get_double().value_unsafe();
      if (value == 0 && std::signbit(value)) throw NotNlohmanns{};
      return value;
    }
    case Type::BOOL:
      return element.get_bool().value_unsafe();
    case Type::NULL_VALUE:
      return nullptr;
  }
  return nullptr;
}

template <typename Json>
std::optional<Json> parseWith(std::string_view text) {
  // One parser per thread: it keeps its buffers between documents.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(text.data(), text.size(), /*realloc_if_needed=*/true).get(root)) {
    return std::nullopt;
  }
  try {
    return convert<Json>(root);
  } catch (const NotNlohmanns&) {
    return std::nullopt;
  }
}

}  // namespace

std::optional<nlohmann::json> parseJsonFast(std::string_view text) {
  return parseWith<nlohmann::json>(text);
}

std::optional<nlohmann::ordered_json> parseOrderedJsonFast(std::string_view text) {
  return parseWith<nlohmann::ordered_json>(text);
}

}  // namespace gantry::core::util
