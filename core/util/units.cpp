#include "core/util/units.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <system_error>

namespace gantry::core::util {
namespace {

constexpr double kMiBPerGiB = 1024.0;
constexpr double kMiBPerTiB = 1024.0 * 1024.0;
// Beyond this a double no longer holds every integer, and the result would
// not fit the int64 callers store anyway.
constexpr double kMaxParsedMiB = 9007199254740992.0;  // 2^53

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAsciiLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
// Python's \s for ASCII text.
bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

std::string toLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

// printf("%.<precision>f") without depending on the C locale's decimal point.
std::string fixed(double value, int precision) {
  std::array<char, 400> buf{};
  auto res = std::to_chars(buf.data(), buf.data() + buf.size(), value,
                           std::chars_format::fixed, precision);
  if (res.ec != std::errc()) return "nan";
  return std::string(buf.data(), res.ptr);
}

sdk::Error invalid(std::string message) {
  return sdk::Error{sdk::ErrorCode::kInvalid, std::move(message)};
}

}  // namespace

sdk::Result<Unit> parseUnitLetter(std::string_view text) {
  if (text == "h") return Unit::kHuman;
  if (text == "m") return Unit::kMebi;
  if (text == "g") return Unit::kGibi;
  if (text == "t") return Unit::kTebi;
  return invalid("Invalid unit specified '" + std::string(text) + "'");
}

std::string formatUnit(double mib, Unit unit) {
  const bool human = unit == Unit::kHuman;
  if (unit == Unit::kMebi || (human && mib < kMiBPerGiB)) {
    return fixed(mib, 0) + (human ? "M" : "");
  }
  if (unit == Unit::kGibi || (human && mib < kMiBPerTiB)) {
    return fixed(mib / kMiBPerGiB, 1) + (human ? "G" : "");
  }
  return fixed(mib / kMiBPerTiB, 1) + (human ? "T" : "");
}

sdk::Result<std::int64_t> parseUnit(std::string_view text) {
  // Ganeti matches ^([.\d]+)\s*([a-zA-Z]+)?$ and Python's `$` also matches
  // before one final newline.
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);

  std::size_t pos = 0;
  while (pos < text.size() && (isDigit(text[pos]) || text[pos] == '.')) ++pos;
  const std::string_view number = text.substr(0, pos);
  while (pos < text.size() && isSpace(text[pos])) ++pos;
  const std::size_t unitStart = pos;
  while (pos < text.size() && isAsciiLetter(text[pos])) ++pos;
  const std::string_view unitText = text.substr(unitStart, pos - unitStart);
  if (number.empty() || pos != text.size()) return invalid("Invalid format");

  // The pattern lets "1.2.3" or "." through; Python's float() then fails.
  // Both are a format error here.
  if (std::count(number.begin(), number.end(), '.') > 1 ||
      std::none_of(number.begin(), number.end(), isDigit)) {
    return invalid("Invalid format");
  }
  double value = 0;
  auto res = std::from_chars(number.data(), number.data() + number.size(),
                             value, std::chars_format::fixed);
  if (res.ec != std::errc() || res.ptr != number.data() + number.size()) {
    return invalid("Invalid format");
  }

  const std::string unit = unitText.empty() ? "m" : toLower(unitText);
  if (unit == "m" || unit == "mb" || unit == "mib") {
    // already MiB
  } else if (unit == "g" || unit == "gb" || unit == "gib") {
    value *= kMiBPerGiB;
  } else if (unit == "t" || unit == "tb" || unit == "tib") {
    value *= kMiBPerTiB;
  } else {
    return invalid("Unknown unit: " + std::string(unitText));
  }
  if (!std::isfinite(value) || value > kMaxParsedMiB) {
    return invalid("Invalid format");
  }

  // Round up to a whole MiB, then up to a multiple of 4 (LVM extents are
  // commonly 4 MiB).
  auto mib = static_cast<std::int64_t>(value);
  if (static_cast<double>(mib) < value) ++mib;
  if (mib % 4 != 0) mib += 4 - mib % 4;
  return mib;
}

std::int64_t parseUnitOrThrow(std::string_view text) {
  auto parsed = parseUnit(text);
  if (!parsed) throw UnitParseError(parsed.error().message);
  return *parsed;
}

}  // namespace gantry::core::util
