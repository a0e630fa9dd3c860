#include "core/rpc/keys.h"

#include <openssl/evp.h>
#include <sys/stat.h>
#include <zmq.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <system_error>

#include "core/rpc/small_file.h"
#include "core/util/atomic_file.h"

namespace gantry::core::rpc {

namespace fs = std::filesystem;
using sdk::Error;
using sdk::ErrorCode;

namespace {

constexpr mode_t kKeyFileMode = 0600;

bool decodeKey(std::string_view z85, std::array<std::uint8_t, 32>& out) {
  if (z85.size() != kCurveKeyTextLength) return false;
  const std::string text(z85);  // zmq_z85_decode wants a NUL-terminated string
  return zmq_z85_decode(out.data(), text.c_str()) != nullptr;
}

}  // namespace

sdk::Result<CurveKeyPair> generateCurveKeyPair() {
  char pub[kCurveKeyTextLength + 1] = {};
  char sec[kCurveKeyTextLength + 1] = {};
  if (zmq_curve_keypair(pub, sec) != 0) {
    return Error{ErrorCode::kEnvironment,
                 std::string("Cannot generate a CURVE key pair: ") +
                     zmq_strerror(zmq_errno())};
  }
  return CurveKeyPair{pub, sec};
}

bool isValidCurveKeyText(std::string_view z85) {
  std::array<std::uint8_t, 32> raw{};
  return decodeKey(z85, raw);
}

sdk::Result<std::string> curvePublicKeyOf(std::string_view secretZ85) {
  if (!isValidCurveKeyText(secretZ85)) {
    return Error{ErrorCode::kInvalid, "Malformed CURVE secret key"};
  }
  const std::string secret(secretZ85);
  char pub[kCurveKeyTextLength + 1] = {};
  if (zmq_curve_public(pub, secret.c_str()) != 0) {
    return Error{ErrorCode::kEnvironment,
                 std::string("Cannot derive a CURVE public key: ") +
                     zmq_strerror(zmq_errno())};
  }
  return std::string(pub);
}

sdk::Result<std::string> curveKeyFingerprint(std::string_view publicZ85) {
  std::array<std::uint8_t, 32> raw{};
  if (!decodeKey(publicZ85, raw)) {
    return Error{ErrorCode::kInvalid, "Malformed CURVE public key '" +
                                          std::string(publicZ85) + "'"};
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(raw.data(), raw.size(), digest, &length, EVP_sha256(),
                 nullptr) != 1) {
    return Error{ErrorCode::kFault, "SHA-256 of the key failed"};
  }
  std::string out;
  out.reserve(length * 3);
  for (unsigned int i = 0; i < length; ++i) {
    char pair[3];
    std::snprintf(pair, sizeof pair, "%02x", digest[i]);
    if (i != 0) out += ':';
    out += pair;
  }
  return out;
}

fs::path publicKeyFile(const fs::path& dataDir, std::string_view name) {
  return dataDir / (std::string(name) + ".pub");
}

fs::path secretKeyFile(const fs::path& dataDir, std::string_view name) {
  return dataDir / (std::string(name) + ".key");
}

sdk::Result<void> writeKeyFile(const fs::path& file, std::string_view z85) {
  if (!isValidCurveKeyText(z85)) {
    return Error{ErrorCode::kInvalid,
                 "Refusing to write a malformed CURVE key to " + file.string()};
  }
  try {
    util::atomicWriteFile(file, std::string(z85) + "\n", kKeyFileMode);
  } catch (const util::FileWriteError& e) {
    return Error{ErrorCode::kEnvironment, e.what()};
  }
  return sdk::ok();
}

sdk::Result<std::string> readKeyFile(const fs::path& file) {
  auto text = readSmallFile(file, 4096);
  if (!text) return std::move(text).error();
  std::string key = trimRight(std::move(*text));
  if (!isValidCurveKeyText(key)) {
    return Error{ErrorCode::kEnvironment,
                 "CURVE key file " + file.string() +
                     " is malformed: expected 40 Z85 characters"};
  }
  return key;
}

sdk::Result<void> saveKeyPair(const fs::path& dataDir, std::string_view name,
                              const CurveKeyPair& keys) {
  std::error_code ec;
  fs::create_directories(dataDir, ec);
  if (ec) {
    return Error{ErrorCode::kEnvironment,
                 "Cannot create " + dataDir.string() + ": " + ec.message()};
  }
  auto derived = curvePublicKeyOf(keys.secretKey);
  if (!derived) return std::move(derived).error();
  if (*derived != keys.publicKey) {
    return Error{ErrorCode::kInvalid, "The CURVE public and secret keys for '" +
                                          std::string(name) +
                                          "' do not belong together"};
  }
  // The secret first: a crash in between leaves a lone .key, which
  // loadOrCreateKeyPair reports instead of silently replacing.
  if (auto r = writeKeyFile(secretKeyFile(dataDir, name), keys.secretKey); !r) {
    return r;
  }
  return writeKeyFile(publicKeyFile(dataDir, name), keys.publicKey);
}

sdk::Result<CurveKeyPair> loadKeyPair(const fs::path& dataDir,
                                      std::string_view name) {
  const fs::path secretFile = secretKeyFile(dataDir, name);
  const fs::path publicFile = publicKeyFile(dataDir, name);
  struct stat st {};
  if (::stat(secretFile.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o",
                  static_cast<unsigned>(st.st_mode & 07777));
    return Error{ErrorCode::kEnvironment,
                 "CURVE secret key file " + secretFile.string() +
                     " is accessible by others (mode " + mode +
                     "); it must be mode 0600"};
  }
  auto secret = readKeyFile(secretFile);
  if (!secret) return std::move(secret).error();
  auto pub = readKeyFile(publicFile);
  if (!pub) return std::move(pub).error();
  auto derived = curvePublicKeyOf(*secret);
  if (!derived) return std::move(derived).error();
  if (*derived != *pub) {
    return Error{ErrorCode::kEnvironment,
                 "CURVE key files " + secretFile.string() + " and " +
                     publicFile.string() + " do not belong together"};
  }
  return CurveKeyPair{*pub, *secret};
}

sdk::Result<CurveKeyPair> loadOrCreateKeyPair(const fs::path& dataDir,
                                              std::string_view name,
                                              bool* created) {
  if (created != nullptr) *created = false;
  std::error_code ec;
  const bool haveSecret = fs::exists(secretKeyFile(dataDir, name), ec);
  const bool havePublic = fs::exists(publicKeyFile(dataDir, name), ec);
  if (haveSecret || havePublic) return loadKeyPair(dataDir, name);
  auto keys = generateCurveKeyPair();
  if (!keys) return keys;
  if (auto saved = saveKeyPair(dataDir, name, *keys); !saved) {
    return std::move(saved).error();
  }
  if (created != nullptr) *created = true;
  return keys;
}

}  // namespace gantry::core::rpc
