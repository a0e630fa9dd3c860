#include "gantry/sdk/result.h"

#include <array>
#include <utility>

namespace gantry::sdk {
namespace {
constexpr std::array<std::pair<ErrorCode, const char*>, 11> kNames = {{
    {ErrorCode::kResolver, "resolver_error"},
    {ErrorCode::kNoResources, "insufficient_resources"},
    {ErrorCode::kTempNoResources, "temp_insufficient_resources"},
    {ErrorCode::kInvalid, "wrong_input"},
    {ErrorCode::kState, "wrong_state"},
    {ErrorCode::kNotFound, "unknown_entity"},
    {ErrorCode::kExists, "already_exists"},
    {ErrorCode::kNotUnique, "resource_not_unique"},
    {ErrorCode::kFault, "internal_error"},
    {ErrorCode::kEnvironment, "environment_error"},
    {ErrorCode::kUnsupported, "unsupported"},
}};
}  // namespace

const char* errorCodeName(ErrorCode code) noexcept {
  for (const auto& [c, name] : kNames) {
    if (c == code) return name;
  }
  return "internal_error";
}

ErrorCode errorCodeFromName(std::string_view name) noexcept {
  for (const auto& [c, n] : kNames) {
    if (name == n) return c;
  }
  return ErrorCode::kFault;
}

}  // namespace gantry::sdk
