#include "python_text.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace gantry::plugins::os_scripts {
namespace {

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

}  // namespace

std::vector<std::string> pythonSplitLines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '\n' && c != '\r' && c != '\v' && c != '\f') continue;
    lines.emplace_back(text.substr(start, i - start));
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < text.size()) lines.emplace_back(text.substr(start));
  return lines;
}

std::string pythonStrip(std::string_view text) {
  while (!text.empty() && isSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && isSpace(text.back())) text.remove_suffix(1);
  return std::string(text);
}

std::pair<std::string, std::string> pythonSplitOnce(std::string_view line) {
  while (!line.empty() && isSpace(line.front())) line.remove_prefix(1);
  std::size_t end = 0;
  while (end < line.size() && !isSpace(line[end])) ++end;
  std::string first(line.substr(0, end));
  line.remove_prefix(end);
  while (!line.empty() && isSpace(line.front())) line.remove_prefix(1);
  return {std::move(first), std::string(line)};
}

std::string pythonRepr(std::string_view text) {
  const bool hasSingle = text.find('\'') != std::string_view::npos;
  const bool hasDouble = text.find('"') != std::string_view::npos;
  const char quote = hasSingle && !hasDouble ? '"' : '\'';
  std::string out(1, quote);
  for (char c : text) {
    if (c == quote || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\t') {
      out += "\\t";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + quote;
}

std::string pythonFloat(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, value);
  std::string out(buf, ec == std::errc() ? ptr : buf);
  if (out.find_first_of(".en") == std::string::npos) out += ".0";
  return out;
}

std::string pythonStr(const sdk::ParamValue& value) {
  if (std::holds_alternative<std::monostate>(value)) return "None";
  if (const auto* d = std::get_if<double>(&value)) return pythonFloat(*d);
  return sdk::paramToString(value);
}

std::string errnoName(int err) {
  if (const char* name = ::strerrorname_np(err)) return name;
  return std::strerror(err);
}

}  // namespace gantry::plugins::os_scripts
