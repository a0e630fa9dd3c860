// Regular expressions of the query language (`=~`). Ganeti's master uses
// PCRE: an unanchored search, case-sensitive, with inline flags at the
// start such as `(?i)` and `(?s)` (what the CLI's `m/re/is` turns into).
// This implementation is ECMAScript (std::regex) plus those leading flags:
// i (ignore case), s (dot matches newline) and m (multi-line ^ and $).
// PCRE-only syntax (lookbehind, possessive quantifiers, inline flags in
// the middle) is refused as a compile error.
#pragma once

#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gantry::core::query {

class RegexError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Regex {
 public:
  /// Throws RegexError with a PCRE-like message: `(<offset>,"<text>")`,
  /// e.g. `(1,"missing )")` for "(".
  explicit Regex(std::string pattern);

  const std::string& pattern() const noexcept { return pattern_; }
  /// True if the pattern matches anywhere in `text`.
  bool search(std::string_view text) const;

 private:
  std::string pattern_;
  std::regex compiled_;
};

}  // namespace gantry::core::query
