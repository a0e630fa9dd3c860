#include "core/rpc/secrets.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdio>
#include <vector>

namespace gantry::core::rpc {

namespace {

std::string toHex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 0x0f];
  }
  return out;
}

}  // namespace

sdk::Result<std::string> randomToken(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  if (bytes > 0 && RAND_bytes(raw.data(), static_cast<int>(bytes)) != 1) {
    char reason[256] = "unknown error";
    ERR_error_string_n(ERR_get_error(), reason, sizeof reason);
    return sdk::Error{sdk::ErrorCode::kEnvironment,
                      std::string("Cannot generate random bytes: ") + reason};
  }
  return toHex(raw.data(), raw.size());
}

bool constantTimeEquals(std::string_view a, std::string_view b) noexcept {
  // Only the length may leak; tokens have a fixed, public length.
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string hmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // An empty key still needs a valid pointer.
  HMAC(EVP_sha256(), key.empty() ? "" : key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
       &length);
  return toHex(mac, length);
}

}  // namespace gantry::core::rpc
