#include "core/util/json_fast_dump.h"

#include <array>
#include <charconv>

namespace gantry::core::util {
namespace {

// What nlohmann writes for an ASCII byte inside a string: nothing special
// (0), a two-character escape, or \u00xx for the other control characters.
constexpr std::array<char, 128> kShortEscape = [] {
  std::array<char, 128> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = 'u';
  table['\b'] = 'b';
  table['\t'] = 't';
  table['\n'] = 'n';
  table['\f'] = 'f';
  table['\r'] = 'r';
  table['"'] = '"';
  table['\\'] = '\\';
  return table;
}();

bool isAscii(const std::string& s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

// An ASCII string, quoted and escaped as nlohmann does.
void appendAsciiString(std::string& out, const std::string& s) {
  out += '"';
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char escape = kShortEscape[static_cast<unsigned char>(s[i])];
    if (escape == 0) continue;
    out.append(s, run, i - run);
    run = i + 1;
    out += '\\';
    if (escape == 'u') {
      constexpr char kHex[] = "0123456789abcdef";
      const auto c = static_cast<unsigned char>(s[i]);
      out += "u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += escape;
    }
  }
  out.append(s, run, s.size() - run);
  out += '"';
}

template <typename Json>
void appendValue(std::string& out, const Json& value, typename Json::error_handler_t handler) {
  switch (value.type()) {
    case nlohmann::detail::value_t::object: {
      if (value.empty()) {
        out += "{}";
        return;
      }
      out += '{';
      bool first = true;
      for (auto it = value.cbegin(); it != value.cend(); ++it) {
        if (!first) out += ',';
        first = false;
        if (isAscii(it.key())) {
          appendAsciiString(out, it.key());
        } else {
          out += Json(it.key()).dump(-1, ' ', false, handler);
        }
        out += ':';
        appendValue(out, it.value(), handler);
      }
      out += '}';
      return;
    }
    case nlohmann::detail::value_t::array: {
      if (value.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      bool first = true;
      for (const auto& element : value) {
        if (!first) out += ',';
        first = false;
        appendValue(out, element, handler);
      }
      out += ']';
      return;
    }
    case nlohmann::detail::value_t::string: {
      const auto& s = value.template get_ref<const std::string&>();
      if (isAscii(s)) {
        appendAsciiString(out, s);
      } else {
        out += value.dump(-1, ' ', false, handler);
      }
      return;
    }
    case nlohmann::detail::value_t::boolean:
      out += value.template get<bool>() ? "true" : "false";
      return;
    case nlohmann::detail::value_t::number_integer:
    case nlohmann::detail::value_t::number_unsigned: {
      std::array<char, 24> digits{};
      const auto result =
          value.is_number_unsigned()
              ? std::to_chars(digits.data(), digits.data() + digits.size(),
                              value.template get<std::uint64_t>())
              : std::to_chars(digits.data(), digits.data() + digits.size(),
                              value.template get<std::int64_t>());
      out.append(digits.data(), result.ptr);
      return;
    }
    case nlohmann::detail::value_t::null:
      out += "null";
      return;
    default:  // floats, binary, discarded: nlohmann's own text
      out += value.dump(-1, ' ', false, handler);
      return;
  }
}

template <typename Json>
std::string dumpWith(const Json& value, typename Json::error_handler_t handler) {
  std::string out;
  appendValue(out, value, handler);
  return out;
}

}  // namespace

std::string dumpJsonFast(const nlohmann::json& value, nlohmann::json::error_handler_t handler) {
  return dumpWith(value, handler);
}

std::string dumpJsonFast(const nlohmann::ordered_json& value,
                         nlohmann::ordered_json::error_handler_t handler) {
  return dumpWith(value, handler);
}

}  // namespace gantry::core::util
