// Small secrets: one-time join tokens and HMACs, from OpenSSL's RNG and
// MAC, with comparisons that take the same time whatever the contents.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "gantry/sdk/result.h"

namespace gantry::core::rpc {

/// `bytes` random bytes from RAND_bytes, as lowercase hex (2 * bytes
/// characters). kEnvironment if the RNG fails.
sdk::Result<std::string> randomToken(std::size_t bytes = 32);

/// Equal contents, compared in time that depends only on the lengths.
bool constantTimeEquals(std::string_view a, std::string_view b) noexcept;

/// HMAC-SHA256 of `data` under `key`, lowercase hex (64 characters).
std::string hmacSha256Hex(std::string_view key, std::string_view data);

}  // namespace gantry::core::rpc
