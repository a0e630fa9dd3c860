#include "core/query/regex.h"

#include <cctype>
#include <string>

namespace gantry::core::query {
namespace {

std::string pcreStyle(std::size_t offset, const std::string& text) {
  return "(" + std::to_string(offset) + ",\"" + text + "\")";
}

// "." outside a character class matches any character including newline.
std::string dotMatchesAll(const std::string& pattern) {
  std::string out;
  bool inClass = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      out += c;
      out += pattern[++i];
      continue;
    }
    if (inClass) {
      if (c == ']') inClass = false;
      out += c;
      continue;
    }
    if (c == '[') {
      inClass = true;
      out += c;
      // A ']' right after '[' or '[^' is a literal member.
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') out += pattern[++i];
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') out += pattern[++i];
      continue;
    }
    if (c == '.') {
      out += "[\\s\\S]";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

Regex::Regex(std::string pattern) : pattern_(std::move(pattern)) {
  auto flags = std::regex::ECMAScript;
  bool dotAll = false;
  std::size_t pos = 0;
  // Leading inline option groups: "(?i)", "(?is)", "(?s)(?i)", ...
  while (pattern_.compare(pos, 2, "(?") == 0) {
    std::size_t end = pos + 2;
    std::string letters;
    while (end < pattern_.size() && std::isalpha(static_cast<unsigned char>(
                                        pattern_[end]))) {
      letters += pattern_[end++];
    }
    if (end >= pattern_.size() || pattern_[end] != ')' || letters.empty()) {
      break;
    }
    for (char letter : letters) {
      switch (letter) {
        case 'i':
          flags |= std::regex::icase;
          break;
        case 's':
          dotAll = true;
          break;
        case 'm':
          flags |= std::regex::multiline;
          break;
        default:
          throw RegexError(pcreStyle(pos + 2, "unrecognized character after "
                                              "(? or (?-"));
      }
    }
    pos = end + 1;
  }
  std::string body = pattern_.substr(pos);
  if (dotAll) body = dotMatchesAll(body);
  try {
    compiled_ = std::regex(body, flags);
  } catch (const std::regex_error& e) {
    switch (e.code()) {
      case std::regex_constants::error_paren:
        throw RegexError(pcreStyle(pattern_.size(), "missing )"));
      case std::regex_constants::error_brack:
        throw RegexError(pcreStyle(
            pattern_.size(), "missing terminating ] for character class"));
      case std::regex_constants::error_badrepeat:
        throw RegexError(pcreStyle(pos, "nothing to repeat"));
      case std::regex_constants::error_escape:
        throw RegexError(pcreStyle(pattern_.size(), "\\ at end of pattern"));
      default:
        throw RegexError(pcreStyle(pos, e.what()));
    }
  }
}

bool Regex::search(std::string_view text) const {
  return std::regex_search(text.begin(), text.end(), compiled_);
}

}  // namespace gantry::core::query
