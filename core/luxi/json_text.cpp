#include "core/luxi/json_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

namespace gantry::core::luxi {
namespace {

// Lists as "[a, b]" and objects as "{k: v}", the separators Haskell's
// pretty printer and Python's json.dumps share; `format` prints elements.
std::string formatContainer(const Json& value, std::string (*format)(const Json&)) {
  const bool isObject = value.is_object();
  std::string out = isObject ? "{" : "[";
  bool first = true;
  for (const auto& [key, item] : value.items()) {
    if (!first) out += ", ";
    first = false;
    if (isObject) out += format(Json(key)) + ": ";
    out += format(item);
  }
  return out + (isObject ? "}" : "]");
}

// Shortest round-trip digits of |value| and the decimal exponent such that
// |value| = 0.d1d2d3... * 10^exponent (Haskell's floatToDigits).
struct Digits {
  std::string digits;
  int exponent = 0;
};

Digits shortestDigits(double value) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, std::fabs(value),
                           std::chars_format::scientific);
  std::string text(buf, res.ptr);
  // text is "d[.ddd]e[+-]XX"
  auto ePos = text.find('e');
  std::string mantissa = text.substr(0, ePos);
  int exp10 = std::stoi(text.substr(ePos + 1));
  Digits out;
  for (char c : mantissa) {
    if (c != '.') out.digits.push_back(c);
  }
  while (out.digits.size() > 1 && out.digits.back() == '0') {
    out.digits.pop_back();
  }
  out.exponent = exp10 + 1;
  return out;
}

// Decodes the UTF-8 sequence starting at text[i]; leaves i on its last
// byte. Malformed lead bytes decode as U+FFFD.
std::uint32_t decodeUtf8(std::string_view text, std::size_t& i) {
  auto c = static_cast<unsigned char>(text[i]);
  std::uint32_t cp = 0;
  int extra = 0;
  if (c < 0x80) {
    cp = c;
  } else if ((c & 0xE0) == 0xC0) {
    cp = c & 0x1F;
    extra = 1;
  } else if ((c & 0xF0) == 0xE0) {
    cp = c & 0x0F;
    extra = 2;
  } else if ((c & 0xF8) == 0xF0) {
    cp = c & 0x07;
    extra = 3;
  } else {
    return 0xFFFD;
  }
  for (int k = 0; k < extra && i + 1 < text.size(); ++k) {
    ++i;
    cp = (cp << 6) | (static_cast<unsigned char>(text[i]) & 0x3F);
  }
  return cp;
}

bool isHaskellControl(std::uint32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp < 0xA0);
}

std::string pythonFloatRepr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  Digits d = shortestDigits(value);
  std::string sign = value < 0 ? "-" : "";
  if (value == 0.0) return sign + "0.0";
  int exp10 = d.exponent - 1;  // scientific exponent d.ddd x 10^exp10
  if (exp10 >= -5 && exp10 < 16) {
    std::string out;
    if (d.exponent <= 0) {
      out = "0." + std::string(static_cast<std::size_t>(-d.exponent), '0') +
            d.digits;
    } else if (static_cast<std::size_t>(d.exponent) >= d.digits.size()) {
      out = d.digits +
            std::string(static_cast<std::size_t>(d.exponent) -
                            d.digits.size(),
                        '0') +
            ".0";
    } else {
      out = d.digits.substr(0, static_cast<std::size_t>(d.exponent)) + "." +
            d.digits.substr(static_cast<std::size_t>(d.exponent));
    }
    return sign + out;
  }
  std::string mant = d.digits.substr(0, 1);
  if (d.digits.size() > 1) mant += "." + d.digits.substr(1);
  char expBuf[16];
  std::snprintf(expBuf, sizeof expBuf, "e%c%02d", exp10 < 0 ? '-' : '+',
                std::abs(exp10));
  return sign + mant + expBuf;
}

std::string pythonStringRepr(const std::string& text) {
  bool hasSingle = text.find('\'') != std::string::npos;
  bool hasDouble = text.find('"') != std::string::npos;
  char quote = (hasSingle && !hasDouble) ? '"' : '\'';
  std::string out(1, quote);
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (ch == quote || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\r') {
      out += "\\r";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  out += quote;
  return out;
}

}  // namespace

std::string haskellShowDouble(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value < 0 ? "-Infinity" : "Infinity";
  std::string sign = std::signbit(value) ? "-" : "";
  if (value == 0.0) return sign + "0.0";
  Digits d = shortestDigits(value);
  const std::string& ds = d.digits;
  int e = d.exponent;
  if (e < 0 || e > 7) {
    std::string out = ds.substr(0, 1) + ".";
    out += ds.size() > 1 ? ds.substr(1) : "0";
    return sign + out + "e" + std::to_string(e - 1);
  }
  if (e == 0) return sign + "0." + ds;
  auto ue = static_cast<std::size_t>(e);
  if (ue >= ds.size()) {
    return sign + ds + std::string(ue - ds.size(), '0') + ".0";
  }
  return sign + ds.substr(0, ue) + "." + ds.substr(ue);
}

std::string haskellShowString(std::string_view text) {
  std::string out = "\"";
  bool lastWasNumericEscape = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::uint32_t cp = decodeUtf8(text, i);
    bool numeric = false;
    if (cp == '"') {
      out += "\\\"";
    } else if (cp == '\\') {
      out += "\\\\";
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp < 0x20 || cp >= 0x7F) {
      out += "\\" + std::to_string(cp);
      numeric = true;
    } else {
      // "\1234" followed by a digit needs "\&" to stay unambiguous.
      if (lastWasNumericEscape && cp >= '0' && cp <= '9') out += "\\&";
      out += static_cast<char>(cp);
    }
    lastWasNumericEscape = numeric;
  }
  out += '"';
  return out;
}

std::string haskellShowRational(const Json& number) {
  auto wrap = [](const std::string& num) {
    return num.rfind('-', 0) == 0 ? "(" + num + ")" : num;
  };
  if (number.is_number_integer()) {
    return wrap(number.dump()) + " % 1";
  }
  double value = number.get<double>();
  if (!std::isfinite(value)) return "0 % 1";
  Digits d = shortestDigits(value);
  // |value| = digits * 10^(exponent - len(digits))
  int power = d.exponent - static_cast<int>(d.digits.size());
  std::string sign = value < 0 ? "-" : "";
  if (power >= 0) {
    return wrap(sign + d.digits + std::string(static_cast<std::size_t>(power),
                                              '0')) +
           " % 1";
  }
  auto k = static_cast<std::size_t>(-power);
  if (k <= 36 && d.digits.size() <= 36) {
    unsigned __int128 num = 0;
    for (char c : d.digits) num = num * 10 + static_cast<unsigned>(c - '0');
    unsigned __int128 den = 1;
    for (std::size_t i = 0; i < k; ++i) den *= 10;
    while (num % 2 == 0 && den % 2 == 0) {
      num /= 2;
      den /= 2;
    }
    while (num % 5 == 0 && den % 5 == 0) {
      num /= 5;
      den /= 5;
    }
    auto toStr = [](unsigned __int128 v) {
      std::string s;
      do {
        s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
        v /= 10;
      } while (v != 0);
      return s;
    };
    return wrap(sign + toStr(num)) + " % " + toStr(den);
  }
  return wrap(sign + d.digits) + " % 1" + std::string(k, '0');
}

std::string haskellPretty(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return value.dump();
    case Json::value_t::number_float: {
      double v = value.get<double>();
      if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 1e18) {
        return std::to_string(static_cast<long long>(v));
      }
      return haskellShowDouble(v);
    }
    case Json::value_t::string: {
      const auto& text = value.get_ref<const std::string&>();
      std::string out = "\"";
      for (std::size_t i = 0; i < text.size(); ++i) {
        std::size_t start = i;
        std::uint32_t cp = decodeUtf8(text, i);
        if (cp == '"') {
          out += "\\\"";
        } else if (cp == '\\') {
          out += "\\\\";
        } else if (isHaskellControl(cp)) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", cp);
          out += buf;
        } else {
          out.append(text, start, i - start + 1);
        }
      }
      return out + "\"";
    }
    case Json::value_t::array:
    case Json::value_t::object:
      return formatContainer(value, haskellPretty);
    default:
      return value.dump();
  }
}

std::string pythonRepr(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "None";
    case Json::value_t::boolean:
      return value.get<bool>() ? "True" : "False";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return value.dump();
    case Json::value_t::number_float:
      return pythonFloatRepr(value.get<double>());
    case Json::value_t::string:
      return pythonStringRepr(value.get_ref<const std::string&>());
    case Json::value_t::array: {
      std::string out = "[";
      bool first = true;
      for (const auto& item : value) {
        if (!first) out += ", ";
        first = false;
        out += pythonRepr(item);
      }
      return out + "]";
    }
    case Json::value_t::object: {
      std::string out = "{";
      bool first = true;
      for (const auto& [key, item] : value.items()) {
        if (!first) out += ", ";
        first = false;
        out += pythonStringRepr(key) + ": " + pythonRepr(item);
      }
      return out + "}";
    }
    default:
      return value.dump();
  }
}

std::string pythonJsonDumps(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    case Json::value_t::number_float: {
      double v = value.get<double>();
      if (std::isnan(v)) return "NaN";
      if (std::isinf(v)) return v < 0 ? "-Infinity" : "Infinity";
      return pythonFloatRepr(v);
    }
    case Json::value_t::string: {
      // ensure_ascii: every non-ASCII character as \uXXXX (UTF-16).
      const auto& text = value.get_ref<const std::string&>();
      std::string out = "\"";
      for (std::size_t i = 0; i < text.size(); ++i) {
        std::uint32_t cp = decodeUtf8(text, i);
        char buf[16];
        switch (cp) {
          case '"': out += "\\\""; break;
          case '\\': out += "\\\\"; break;
          case '\n': out += "\\n"; break;
          case '\r': out += "\\r"; break;
          case '\t': out += "\\t"; break;
          case '\b': out += "\\b"; break;
          case '\f': out += "\\f"; break;
          default:
            if (cp < 0x20 || (cp >= 0x7F && cp < 0x10000)) {
              std::snprintf(buf, sizeof buf, "\\u%04x", cp);
              out += buf;
            } else if (cp >= 0x10000) {
              std::uint32_t v = cp - 0x10000;
              std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x",
                            0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF));
              out += buf;
            } else {
              out += static_cast<char>(cp);
            }
        }
      }
      return out + "\"";
    }
    case Json::value_t::array:
    case Json::value_t::object:
      return formatContainer(value, pythonJsonDumps);
    default:
      return value.dump();
  }
}

std::string pythonStr(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  return pythonRepr(value);
}

}  // namespace gantry::core::luxi
