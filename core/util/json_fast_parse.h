// JSON text to nlohmann::json through simdjson, which scans strings and
// numbers many times faster than nlohmann's own lexer (a config upload is
// one string of a megabyte). The result equals nlohmann::json::parse's:
// non-negative integers unsigned, the last of repeated keys kept (one
// difference: "-0" is the unsigned rather than the signed integer 0). Input
// simdjson refuses (invalid JSON, integers beyond 64 bits, nesting deeper
// than 1024) gives nothing, and the caller parses it with nlohmann for its
// own answer and error text (also for a float -0.0, which nlohmann keeps
// and simdjson's reading of cannot tell from 0).
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace gantry::core::util {

std::optional<nlohmann::json> parseJsonFast(std::string_view text);
/// The same into an ordered_json (members in input order, as LUXI keeps them).
std::optional<nlohmann::ordered_json> parseOrderedJsonFast(std::string_view text);

}  // namespace gantry::core::util
