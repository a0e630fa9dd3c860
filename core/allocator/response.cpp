// Answer validation: the same keys and types Ganeti's master insists on
// (lib/masterd/iallocator.py _ValidateResult), with messages that say which
// allocator broke the protocol and how.
#include "core/allocator/response.h"

#include <nlohmann/json.hpp>

namespace gantry::core::allocator {
namespace {

// Keeps a message readable when an allocator prints megabytes of garbage.
constexpr std::size_t kMaxQuoted = 200;

std::string quoted(std::string_view text) {
  const bool cut = text.size() > kMaxQuoted;
  std::string out;
  out.reserve(kMaxQuoted + 5);
  out.push_back('\'');
  out.append(cut ? text.substr(0, kMaxQuoted) : text);
  out.append(cut ? "...'" : "'");
  return out;
}

const char* typeName(const nlohmann::json& j) { return j.type_name(); }

}  // namespace

sdk::Result<AllocatorResponse> parseAllocatorResponse(std::string_view allocatorName,
                                                      std::string_view output) {
  auto invalid = [&](const std::string& what) {
    return sdk::Error{sdk::ErrorCode::kFault, "iallocator module '" +
                                                  std::string(allocatorName) +
                                                  "' returned an invalid answer: " + what};
  };
  nlohmann::json j = nlohmann::json::parse(output, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    if (output.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      return invalid("empty output, expected a JSON object");
    }
    return invalid("output is not JSON: " + quoted(output));
  }
  if (!j.is_object()) {
    return invalid(std::string("expected a JSON object, got a JSON ") + typeName(j));
  }
  for (const char* key : {"success", "info"}) {
    if (!j.contains(key)) return invalid(std::string("missing key '") + key + "'");
  }
  const char* resultKey = j.contains("result") ? "result" : "nodes";
  if (!j.contains(resultKey)) return invalid("missing key 'result'");
  const auto& success = j.at("success");
  if (!success.is_boolean()) {
    return invalid(std::string("'success' must be a boolean, got a ") + typeName(success));
  }
  const auto& info = j.at("info");
  if (!info.is_string()) {
    return invalid(std::string("'info' must be a string, got a ") + typeName(info));
  }
  const auto& result = j.at(resultKey);
  if (!result.is_array() && !result.is_string()) {
    return invalid("'" + std::string(resultKey) + "' must be a list or a string, got a " +
                   typeName(result));
  }
  return AllocatorResponse{success.get<bool>(), info.get<std::string>(), result.dump()};
}

}  // namespace gantry::core::allocator
