#include "core/util/names.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace gantry::core::util {
namespace {

constexpr std::size_t kMaxHostnameLength = 255;
constexpr std::size_t kMaxLabelLength = 63;

bool isLower(char c) { return c >= 'a' && c <= 'z'; }
bool isUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlnum(char c) { return isLower(c) || isUpper(c) || isDigit(c); }

// Values are quoted into messages that end up in logs and on terminals:
// control bytes are shown escaped so a message stays one line.
std::string printable(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      std::array<char, 5> buf{};
      std::snprintf(buf.data(), buf.size(), "\\x%02x", byte);
      out += buf.data();
    } else {
      out += c;
    }
  }
  return out;
}

sdk::Error invalid(std::string message) {
  return sdk::Error{sdk::ErrorCode::kInvalid, std::move(message)};
}

bool isOsNameChar(char c) {
  return isAlnum(c) || c == '-' || c == '_' || c == '.';
}

bool isOsNamePart(std::string_view part) {
  return !part.empty() && part.front() != '-' && part.front() != '.' &&
         std::all_of(part.begin(), part.end(), isOsNameChar);
}

}  // namespace

sdk::Result<std::string> normalizeHostname(std::string_view name) {
  std::string host(name);
  std::transform(host.begin(), host.end(), host.begin(),
                 [](char c) { return isUpper(c) ? char(c - 'A' + 'a') : c; });
  auto bad = [&] { return invalid("Invalid hostname '" + printable(host) + "'"); };

  if (host.empty() || host.size() > kMaxHostnameLength) return bad();
  const bool charsOk = std::all_of(host.begin(), host.end(), [](char c) {
    return isLower(c) || isDigit(c) || c == '-' || c == '_' || c == '.';
  });
  if (!charsOk || host.front() == '.' || host.front() == '-' ||
      host.find("..") != std::string::npos) {
    return bad();
  }
  while (!host.empty() && host.back() == '.') host.pop_back();

  std::size_t start = 0;
  while (start <= host.size()) {
    std::size_t end = host.find('.', start);
    if (end == std::string::npos) end = host.size();
    if (end - start > kMaxLabelLength) return bad();
    start = end + 1;
  }
  return host;
}

sdk::Result<void> checkHostname(std::string_view name) {
  auto normalized = normalizeHostname(name);
  if (!normalized) return std::move(normalized).error();
  if (*normalized != name) {
    return invalid("Invalid hostname '" + printable(name) + "'");
  }
  return sdk::ok();
}

OsName splitOsName(std::string_view os) {
  const auto plus = os.find('+');
  if (plus == std::string_view::npos) return OsName{std::string(os), ""};
  return OsName{std::string(os.substr(0, plus)),
                std::string(os.substr(plus + 1))};
}

sdk::Result<void> checkOsName(std::string_view os) {
  const OsName parts = splitOsName(os);
  if (!isOsNamePart(parts.name)) {
    return invalid("Invalid OS name '" + printable(os) + "'");
  }
  const bool hasPlus = os.find('+') != std::string_view::npos;
  if (hasPlus && !isOsNamePart(parts.variant)) {
    return invalid("Invalid OS variant '" + printable(parts.variant) + "'");
  }
  return sdk::ok();
}

sdk::Result<void> checkLvmName(std::string_view name) {
  const bool charsOk = std::all_of(name.begin(), name.end(), [](char c) {
    return isAlnum(c) || c == '+' || c == '_' || c == '.' || c == '-';
  });
  const bool reserved = name == "." || name == ".." || name == "snapshot" ||
                        name == "pvmove";
  const bool lvmInternal = name.find("_mlog") != std::string_view::npos ||
                           name.find("_mimage") != std::string_view::npos;
  if (!charsOk || reserved || lvmInternal || name.empty() ||
      name.front() == '-') {
    return invalid("Invalid LVM name '" + printable(name) + "'");
  }
  return sdk::ok();
}

sdk::Result<void> checkSafePathComponent(std::string_view value,
                                         std::string_view what) {
  auto bad = [&](std::string_view reason) {
    return invalid("Invalid " + std::string(what) + " '" + printable(value) +
                   "': " + std::string(reason));
  };
  if (value.empty()) return bad("must not be empty");
  if (value == "." || value == "..") return bad("must not be '.' or '..'");
  if (value.find('/') != std::string_view::npos) return bad("must not contain '/'");
  if (value.find('\0') != std::string_view::npos) {
    return bad("must not contain a NUL byte");
  }
  if (value.front() == '-') return bad("must not start with '-'");
  return sdk::ok();
}

sdk::Result<std::filesystem::path> checkRelativeStoragePath(
    std::string_view path) {
  auto bad = [&](std::string_view reason) {
    return invalid("Invalid file storage path '" + printable(path) +
                   "': " + std::string(reason));
  };
  if (path.find('\0') != std::string_view::npos) {
    return bad("must not contain a NUL byte");
  }
  if (!path.empty() && path.front() == '/') return bad("must be relative");

  std::filesystem::path clean;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view part = path.substr(start, end - start);
    if (part == "..") return bad("must not contain '..'");
    if (!part.empty() && part != ".") clean /= std::string(part);
    start = end + 1;
  }
  if (clean.empty()) return bad("must not be empty");
  return clean;
}

}  // namespace gantry::core::util
