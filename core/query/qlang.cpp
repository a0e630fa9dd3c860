#include "core/query/qlang.h"

#include <cctype>
#include <optional>
#include <utility>

#include "core/query/regex.h"

namespace gantry::core::query {
namespace {

using luxi::Json;

// A parse failure at a position; becomes QueryFilterParseError.
struct ParseFailure {
  std::size_t loc;
  std::string message;  // "Expected end of text", "Invalid regular ..."
};

bool isAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)); }
bool isDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)); }
bool isAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)); }

// The expression parser. Each parse function returns nullopt without
// consuming input when its construct is not there (the caller tries the
// next alternative) and throws ParseFailure for errors that end the parse.
class FilterTextParser {
 public:
  explicit FilterTextParser(std::string_view text) : text_(text) {}

  Json parse() {
    skipSpace();
    std::size_t start = pos_;
    auto result = parseOr();
    if (!result) {
      pos_ = start;
      throw ParseFailure{start, "Expected filter expression"};
    }
    skipSpace();
    if (pos_ != text_.size()) throw ParseFailure{pos_, "Expected end of text"};
    return *result;
  }

 private:
  // pyparsing's default whitespace (tabs are kept as whitespace).
  void skipSpace() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
            text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool atKeyword(std::string_view word) {
    skipSpace();
    if (text_.compare(pos_, word.size(), word) != 0) return false;
    std::size_t after = pos_ + word.size();
    auto ident = [](char c) { return isAlnum(c) || c == '_' || c == '$'; };
    if (after < text_.size() && ident(text_[after])) return false;
    if (pos_ > 0 && ident(text_[pos_ - 1])) return false;
    return true;
  }

  bool literal(std::string_view word) {
    skipSpace();
    if (text_.compare(pos_, word.size(), word) != 0) return false;
    pos_ += word.size();
    return true;
  }

  std::optional<Json> parseOr() { return parseLogic("or", "|"); }

  std::optional<Json> parseAnd() { return parseLogic("and", "&"); }

  std::optional<Json> parseLogic(std::string_view keyword, const char* op) {
    auto lower = [&]() {
      return keyword == "or" ? parseAnd() : parseNot();
    };
    auto first = lower();
    if (!first) return std::nullopt;
    Json operands = Json::array({*first});
    while (true) {
      std::size_t save = pos_;
      if (!atKeyword(keyword)) {
        pos_ = save;
        break;
      }
      pos_ += keyword.size();
      auto next = lower();
      if (!next) {
        pos_ = save;
        break;
      }
      operands.push_back(*next);
    }
    if (operands.size() == 1) return operands[0];
    Json out = Json::array({op});
    for (auto& operand : operands) out.push_back(std::move(operand));
    return out;
  }

  std::optional<Json> parseNot() {
    std::size_t save = pos_;
    if (atKeyword("not")) {
      pos_ += 3;
      if (auto inner = parseNot()) return Json::array({"!", *inner});
      pos_ = save;
    }
    return parseAtom();
  }

  std::optional<Json> parseAtom() {
    std::size_t save = pos_;
    if (literal("(")) {
      auto inner = parseOr();
      if (inner && literal(")")) return inner;
      pos_ = save;
      return std::nullopt;
    }
    pos_ = save;
    return parseCondition();
  }

  std::optional<std::string> fieldName() {
    skipSpace();
    if (pos_ >= text_.size() || !isAlpha(text_[pos_])) return std::nullopt;
    std::size_t start = pos_;
    while (pos_ < text_.size() &&
           (isAlnum(text_[pos_]) || text_[pos_] == '_' || text_[pos_] == '/' ||
            text_[pos_] == '.')) {
      ++pos_;
    }
    return std::string(text_.substr(start, pos_ - start));
  }

  // pyparsing's quotedString: '...' or "...", no newline inside, a doubled
  // quote or a backslash escape does not end it; returned without the
  // outer quotes and otherwise as written.
  std::optional<std::string> quotedString() {
    skipSpace();
    if (pos_ >= text_.size() || (text_[pos_] != '"' && text_[pos_] != '\'')) {
      return std::nullopt;
    }
    char quote = text_[pos_];
    std::size_t i = pos_ + 1;
    while (i < text_.size()) {
      char c = text_[i];
      if (c == '\n' || c == '\r') return std::nullopt;
      if (c == '\\') {
        if (i + 1 >= text_.size()) return std::nullopt;
        i += 2;
        continue;
      }
      if (c == quote) {
        if (i + 1 < text_.size() && text_[i + 1] == quote) {
          i += 2;
          continue;
        }
        std::string content(text_.substr(pos_ + 1, i - pos_ - 1));
        pos_ = i + 1;
        return content;
      }
      ++i;
    }
    return std::nullopt;
  }

  std::optional<Json> number() {
    skipSpace();
    std::size_t i = pos_;
    bool negative = false;
    if (i < text_.size() && (text_[i] == '-' || text_[i] == '+')) {
      negative = text_[i] == '-';
      ++i;
    }
    std::size_t digits = i;
    while (i < text_.size() && isDigit(text_[i])) ++i;
    if (i == digits) return std::nullopt;
    std::string text(text_.substr(digits, i - digits));
    pos_ = i;
    try {
      std::int64_t value = std::stoll(text);
      return Json(negative ? -value : value);
    } catch (const std::out_of_range&) {
      return Json(std::stod(std::string(negative ? "-" : "") + text));
    }
  }

  std::optional<Json> rval() {
    if (auto n = number()) return n;
    if (auto s = quotedString()) return Json(*s);
    return std::nullopt;
  }

  // [m]<delim>regex<delim>[flags], flags directly after the delimiter.
  std::optional<std::string> regexValue() {
    skipSpace();
    std::size_t start = pos_;
    std::size_t i = pos_;
    if (i < text_.size() && text_[i] == 'm') {
      ++i;
      while (i < text_.size() &&
             (text_[i] == ' ' || text_[i] == '\t' || text_[i] == '\n' ||
              text_[i] == '\r')) {
        ++i;
      }
    }
    if (i >= text_.size()) return std::nullopt;
    char delim = text_[i];
    if (std::string_view("/#^|").find(delim) == std::string_view::npos) {
      return std::nullopt;
    }
    std::string raw;
    std::size_t k = i + 1;
    bool closed = false;
    while (k < text_.size()) {
      char c = text_[k];
      if (c == '\n' || c == '\r') break;
      if (c == '\\' && k + 1 < text_.size()) {
        raw += c;
        raw += text_[k + 1];
        k += 2;
        continue;
      }
      if (c == delim) {
        closed = true;
        break;
      }
      raw += c;
      ++k;
    }
    if (!closed) return std::nullopt;
    pos_ = k + 1;
    std::string flags;
    while (pos_ < text_.size() && isAlpha(text_[pos_])) flags += text_[pos_++];

    // Unquoting as pyparsing's QuotedString(escChar="\\") does.
    std::string pattern;
    for (std::size_t j = 0; j < raw.size(); ++j) {
      if (raw[j] == '\\' && j + 1 < raw.size()) {
        char next = raw[++j];
        switch (next) {
          case 't': pattern += '\t'; break;
          case 'n': pattern += '\n'; break;
          case 'f': pattern += '\f'; break;
          case 'r': pattern += '\r'; break;
          default: pattern += next;
        }
      } else {
        pattern += raw[j];
      }
    }
    std::string unknown;
    bool hasI = false;
    bool hasS = false;
    for (char f : flags) {
      if (f == 'i') {
        hasI = true;
      } else if (f == 's') {
        hasS = true;
      } else if (unknown.find(f) == std::string::npos) {
        unknown += f;
      }
    }
    if (!unknown.empty()) {
      throw ParseFailure{start,
                         "Unknown regular expression flags: '" + unknown + "'"};
    }
    std::string prefix;
    if (hasI || hasS) {
      prefix = "(?";
      if (hasI) prefix += 'i';
      if (hasS) prefix += 's';
      prefix += ')';
    }
    std::string result = prefix + pattern;
    try {
      Regex check(result);
    } catch (const RegexError& e) {
      throw ParseFailure{start, std::string("Invalid regular expression (") +
                                    e.what() + ")"};
    }
    return result;
  }

  std::optional<Json> parseCondition() {
    std::size_t start = pos_;
    if (auto field = fieldName()) {
      std::size_t afterField = pos_;
      skipSpace();
      auto tryOp = [&](std::string_view op) {
        if (text_.compare(pos_, op.size(), op) != 0) return false;
        pos_ += op.size();
        return true;
      };
      // Regex and glob forms first: "=~" and "=*" would otherwise be
      // taken for "=" with no value.
      std::size_t opStart = pos_;
      for (auto [op, negate] : {std::pair{"=~", false}, {"!~", true}}) {
        pos_ = opStart;
        if (tryOp(op)) {
          if (auto re = regexValue()) {
            Json cond = Json::array({"=~", *field, *re});
            return negate ? Json::array({"!", cond}) : cond;
          }
        }
      }
      for (auto [op, negate] : {std::pair{"=*", false}, {"!*", true}}) {
        pos_ = opStart;
        if (tryOp(op)) {
          if (auto glob = quotedString()) {
            Json cond =
                Json::array({"=~", *field, dnsNameGlobPattern(*glob)});
            return negate ? Json::array({"!", cond}) : cond;
          }
        }
      }
      // Longest operator first, as pyparsing's oneOf does.
      for (const char* op : {"==", "!=", "<=", ">=", "=", "<", ">"}) {
        pos_ = opStart;
        if (tryOp(op)) {
          if (auto value = rval()) {
            std::string wire = op;
            if (wire == "=") wire = "==";
            return Json::array({wire, *field, *value});
          }
          break;
        }
      }
      pos_ = afterField;
      return Json::array({"?", *field});
    }
    pos_ = start;
    if (auto value = rval()) {
      std::size_t afterValue = pos_;
      bool negate = false;
      if (literal("not")) {
        negate = true;
      } else {
        pos_ = afterValue;
      }
      if (literal("in")) {
        if (auto field = fieldName()) {
          Json cond = Json::array({"=[]", *field, *value});
          return negate ? Json::array({"!", cond}) : cond;
        }
      }
    }
    pos_ = start;
    return std::nullopt;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

[[noreturn]] void throwParseError(std::string_view text,
                                  const ParseFailure& failure) {
  std::size_t loc = failure.loc;
  std::size_t lineStart = text.rfind('\n', loc == 0 ? 0 : loc - 1);
  if (loc == 0 || lineStart == std::string_view::npos) {
    lineStart = 0;
  } else {
    ++lineStart;
  }
  std::size_t lineEnd = text.find('\n', loc);
  if (lineEnd == std::string_view::npos) lineEnd = text.size();
  std::size_t lineNo = 1;
  for (std::size_t i = 0; i < loc && i < text.size(); ++i) {
    if (text[i] == '\n') ++lineNo;
  }
  std::size_t column = loc - lineStart + 1;
  std::string found = loc >= text.size()
                          ? ", found end of text"
                          : ", found " + luxi::pythonRepr(Json(std::string(
                                             1, text[loc])));
  std::string inner = failure.message + found + " (at char " +
                      std::to_string(loc) + "), (line:" +
                      std::to_string(lineNo) +
                      ", col:" + std::to_string(column) + ")";
  Json details = Json::array(
      {std::string(text.substr(lineStart, lineEnd - lineStart)),
       std::string(column - 1, ' ') + "^", inner});
  throw luxi::EncodedError(
      "QueryFilterParseError",
      Json::array({"Failed to parse query filter '" + std::string(text) +
                       "': " + inner,
                   details}));
}

Json makeFilterPart(std::string_view nameField, const std::string& arg,
                    bool numeric) {
  if (numeric) {
    // Python's int(): optional surrounding whitespace, sign, digits with
    // single underscores between them.
    std::size_t b = arg.find_first_not_of(" \t\n\r\f\v");
    std::size_t e = arg.find_last_not_of(" \t\n\r\f\v");
    std::string core = b == std::string::npos ? "" : arg.substr(b, e - b + 1);
    std::string digits;
    bool ok = !core.empty();
    std::size_t i = 0;
    bool negative = false;
    if (ok && (core[0] == '-' || core[0] == '+')) {
      negative = core[0] == '-';
      i = 1;
    }
    ok = ok && i < core.size() && isDigit(core[i]);
    for (; ok && i < core.size(); ++i) {
      if (isDigit(core[i])) {
        digits += core[i];
      } else if (core[i] == '_' && i + 1 < core.size() &&
                 isDigit(core[i + 1]) && isDigit(core[i - 1])) {
        continue;
      } else {
        ok = false;
      }
    }
    if (!ok || digits.size() > 18) {
      throw luxi::opPrereqError(
          "Invalid job ID passed: invalid literal for int() with base 10: " +
              luxi::pythonRepr(Json(arg)),
          luxi::kEcodeInval);
    }
    std::int64_t value = std::stoll(digits);
    return Json::array({"==", std::string(nameField), negative ? -value : value});
  }
  if (looksLikeGlob(arg)) {
    return Json::array({"=~", std::string(nameField), dnsNameGlobPattern(arg)});
  }
  return Json::array({"==", std::string(nameField), arg});
}

}  // namespace

bool looksLikeFilter(std::string_view text) {
  return text.find_first_of(std::string_view(" \t\n\r\v\f!\\><()/~\"'=")) !=
         std::string_view::npos;
}

bool looksLikeGlob(std::string_view text) {
  return text.find_first_of("*?") != std::string_view::npos;
}

std::string dnsNameGlobPattern(std::string_view glob) {
  // Python 3.7+ re.escape escapes only these characters.
  constexpr std::string_view kSpecial = "()[]{}?*+-|^$\\.&~# \t\n\r\v\f";
  std::string out = "^";
  for (char c : glob) {
    if (c == '*') {
      out += "[^.]*";
    } else if (c == '?') {
      out += "[^.]";
    } else {
      if (kSpecial.find(c) != std::string_view::npos) out += '\\';
      out += c;
    }
  }
  out += "(\\..*)?$";
  return out;
}

Json parseFilterText(std::string_view text) {
  try {
    return FilterTextParser(text).parse();
  } catch (const ParseFailure& failure) {
    throwParseError(text, failure);
  }
}

Json makeFilter(const std::vector<std::string>& args, bool forceFilter,
                std::string_view nameField, bool numeric) {
  if (forceFilter || (args.size() == 1 && looksLikeFilter(args[0]))) {
    if (args.size() != 1) {
      throw luxi::opPrereqError("Exactly one argument must be given as a filter",
                                luxi::kEcodeInval);
    }
    return parseFilterText(args[0]);
  }
  if (args.empty()) return Json();
  Json out = Json::array({"|"});
  for (const auto& arg : args) {
    out.push_back(makeFilterPart(nameField, arg, numeric));
  }
  return out;
}

Json andFilters(const Json& names, const Json& extra) {
  if (names.is_null()) return extra;
  if (extra.is_null()) return names;
  return Json::array({"&", names, extra});
}

}  // namespace gantry::core::query
