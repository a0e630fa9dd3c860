#include "core/rpc/base64.h"

#include <openssl/evp.h>

namespace gantry::core::rpc {

std::string base64Encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()),
                                static_cast<int>(data.size()));
  out.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
  return out;
}

sdk::Result<std::string> base64Decode(std::string_view text) {
  const sdk::Error bad{sdk::ErrorCode::kInvalid, "Invalid base64 data"};
  if (text.size() % 4 != 0) return bad;
  if (text.empty()) return std::string();
  for (char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                    (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
    if (!ok) return bad;
  }
  // '=' only as the last one or two characters.
  const auto firstPad = text.find('=');
  if (firstPad != std::string_view::npos &&
      (firstPad < text.size() - 2 ||
       text.find_first_not_of('=', firstPad) != std::string_view::npos)) {
    return bad;
  }
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return bad;
  // EVP_DecodeBlock counts the padding as zero bytes; drop them.
  std::size_t size = static_cast<std::size_t>(n);
  if (text.back() == '=') --size;
  if (text.size() >= 2 && text[text.size() - 2] == '=') --size;
  out.resize(size);
  return out;
}

}  // namespace gantry::core::rpc
