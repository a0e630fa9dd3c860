// Compact JSON text of an nlohmann document, byte for byte what
// `dump(-1, ' ', false, handler)` writes, several times faster: runs of
// plain characters are copied whole instead of one by one, and integers
// go through std::to_chars. A cluster's config (a megabyte at a thousand
// instances) is written out on every commit to reach the master
// candidates, and every RPC and LUXI message is dumped this way.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace gantry::core::util {

/// `value.dump(-1, ' ', false, handler)`. Strings with bytes of 128 and up
/// (UTF-8 to check) and floats are left to nlohmann's own serializer.
std::string dumpJsonFast(const nlohmann::json& value,
                         nlohmann::json::error_handler_t handler =
                             nlohmann::json::error_handler_t::strict);
std::string dumpJsonFast(const nlohmann::ordered_json& value,
                         nlohmann::ordered_json::error_handler_t handler =
                             nlohmann::ordered_json::error_handler_t::strict);

}  // namespace gantry::core::util
