// Base64 (RFC 4648, with padding) for binary file contents inside JSON
// messages, which must be valid UTF-8.
#pragma once

#include <string>
#include <string_view>

#include "gantry/sdk/result.h"

namespace gantry::core::rpc {

std::string base64Encode(std::string_view data);
/// kInvalid "Invalid base64 data" for anything but padded base64
/// (whitespace is not accepted).
sdk::Result<std::string> base64Decode(std::string_view text);

}  // namespace gantry::core::rpc
