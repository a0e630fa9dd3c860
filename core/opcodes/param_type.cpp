#include "core/opcodes/param_type.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace gantry::core::opcodes {
namespace {

using nlohmann::json;
using Kind = ParamType::Kind;

bool isIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_';
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Integers may arrive as 5.0 from some JSON writers; accept integral floats.
std::optional<std::int64_t> asInteger(const json& v) {
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9.0e18) {
      return static_cast<std::int64_t>(d);
    }
  }
  return std::nullopt;
}

bool parseInt(std::string_view text, std::int64_t& out) {
  if (text.empty()) return false;
  std::size_t i = 0;
  bool neg = false;
  if (text[0] == '-') {
    neg = true;
    i = 1;
  }
  if (i == text.size()) return false;
  std::int64_t v = 0;
  for (; i < text.size(); ++i) {
    if (!isDigit(text[i])) return false;
    v = v * 10 + (text[i] - '0');
  }
  out = neg ? -v : v;
  return true;
}

bool isAddress(const std::string& s, int family) {
  unsigned char buf[16];
  return inet_pton(family, s.c_str(), buf) == 1;
}

bool isNetwork(const std::string& s, int family, int max_prefix) {
  auto slash = s.find('/');
  if (slash == std::string::npos) return false;
  std::int64_t prefix = 0;
  if (!parseInt(std::string_view(s).substr(slash + 1), prefix)) return false;
  if (prefix < 0 || prefix > max_prefix) return false;
  return isAddress(s.substr(0, slash), family);
}

bool isJobId(const json& v) {
  if (asInteger(v)) return true;
  if (!v.is_string()) return false;
  std::int64_t ignored = 0;
  return parseInt(v.get<std::string>(), ignored);
}

bool isDependency(const json& dep) {
  static const std::vector<std::string> kStatuses = {"success", "error",
                                                     "canceled"};
  if (!dep.is_array() || dep.size() != 2 || !isJobId(dep[0]) ||
      !dep[1].is_array()) {
    return false;
  }
  for (const auto& s : dep[1]) {
    if (!s.is_string()) return false;
    if (std::find(kStatuses.begin(), kStatuses.end(), s.get<std::string>()) ==
        kStatuses.end()) {
      return false;
    }
  }
  return true;
}

bool isReasonElement(const json& e) {
  return e.is_array() && e.size() == 3 && e[0].is_string() &&
         e[1].is_string() && asInteger(e[2]).has_value();
}

bool oneOf(const json& v, std::initializer_list<const char*> names) {
  if (!v.is_string()) return false;
  const auto& s = v.get_ref<const std::string&>();
  for (const char* n : names) {
    if (s == n) return true;
  }
  return false;
}

// Three accepted shapes (see SetParamsMods in the opcode reference):
// [op|index, {params}] and [op, index|name, {params}].
bool isModification(const json& m) {
  if (!m.is_array() || m.empty() || !m.back().is_object()) return false;
  if (m.size() == 2) {
    return asInteger(m[0]).has_value() ||
           oneOf(m[0], {"add", "remove", "attach", "detach"});
  }
  if (m.size() == 3) {
    return oneOf(m[0], {"add", "attach", "remove", "detach", "modify"}) &&
           (asInteger(m[1]).has_value() || m[1].is_string());
  }
  return false;
}

class SpecParser {
 public:
  SpecParser(std::string_view text, const EnumTable& enums)
      : text_(text), enums_(enums) {}

  sdk::Result<ParamType> parseAll() {
    auto t = parseType();
    if (!t) return t;
    if (pos_ != text_.size()) return fail("trailing text");
    return t;
  }

 private:
  sdk::Error fail(const std::string& why) const {
    return sdk::Error(sdk::ErrorCode::kFault,
                      "bad parameter type '" + std::string(text_) + "': " +
                          why + " at offset " + std::to_string(pos_));
  }

  bool eat(std::string_view token) {
    if (text_.substr(pos_, token.size()) == token) {
      pos_ += token.size();
      return true;
    }
    return false;
  }

  std::string ident() {
    std::size_t start = pos_;
    while (pos_ < text_.size() && isIdentChar(text_[pos_])) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

  sdk::Result<std::int64_t> number() {
    std::size_t start = pos_;
    if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
    while (pos_ < text_.size() && isDigit(text_[pos_])) ++pos_;
    std::int64_t v = 0;
    if (!parseInt(text_.substr(start, pos_ - start), v)) {
      return fail("number expected");
    }
    return v;
  }

  sdk::Result<std::vector<ParamType>> argList(std::size_t min_count) {
    std::vector<ParamType> out;
    if (!eat("<")) return fail("'<' expected");
    for (;;) {
      auto t = parseType();
      if (!t) return t.error();
      out.push_back(std::move(*t));
      if (eat(">")) break;
      if (!eat(",")) return fail("',' or '>' expected");
    }
    if (out.size() < min_count) return fail("too few type arguments");
    return out;
  }

  sdk::Result<ParamType> parseType();

  std::string_view text_;
  const EnumTable& enums_;
  std::size_t pos_ = 0;
};

}  // namespace

// Lets the parser fill ParamType's private members (a friend of it).
struct ParamTypeBuilder {
  static ParamType make(Kind kind, std::string spec) {
    ParamType t;
    t.kind_ = kind;
    t.spec_ = std::move(spec);
    return t;
  }
  static void setRange(ParamType& t, std::optional<std::int64_t> lo,
                       std::optional<std::int64_t> hi) {
    t.min_ = lo;
    t.max_ = hi;
  }
  static void setArgs(ParamType& t, std::vector<ParamType> args) {
    t.args_ = std::move(args);
  }
  static void setEnum(ParamType& t, std::string name,
                      std::vector<std::string> values) {
    t.enum_name_ = std::move(name);
    t.enum_values_ = std::move(values);
  }
};

namespace {

sdk::Result<ParamType> SpecParser::parseType() {
  std::size_t start = pos_;
  std::string name = ident();
  auto spec = [&] {
    return std::string(text_.substr(start, pos_ - start));
  };
  if (name == "int") {
    std::optional<std::int64_t> lo, hi;
    if (eat(">=")) {
      auto n = number();
      if (!n) return n.error();
      lo = *n;
    } else if (pos_ + 1 < text_.size() && text_[pos_] == '>' &&
               (isDigit(text_[pos_ + 1]) || text_[pos_ + 1] == '-')) {
      ++pos_;
      auto n = number();
      if (!n) return n.error();
      lo = *n + 1;
    } else if (eat("[")) {
      auto a = number();
      if (!a) return a.error();
      if (!eat("..")) return fail("'..' expected");
      auto b = number();
      if (!b) return b.error();
      if (!eat("]")) return fail("']' expected");
      lo = *a;
      hi = *b;
    }
    auto t = ParamTypeBuilder::make(Kind::kInt, spec());
    ParamTypeBuilder::setRange(t, lo, hi);
    return t;
  }
  static const std::map<std::string, Kind, std::less<>> kSimple = {
      {"bool", Kind::kBool},       {"float", Kind::kFloat},
      {"str", Kind::kString},      {"nes", Kind::kNonEmptyString},
      {"any", Kind::kAny},         {"ipv4", Kind::kIpv4},
      {"ipv4net", Kind::kIpv4Net}, {"ipv6", Kind::kIpv6},
      {"ipv6net", Kind::kIpv6Net}, {"priority", Kind::kPriority},
      {"depends", Kind::kDepends}, {"reason", Kind::kReason},
      {"mods", Kind::kMods}};
  if (auto it = kSimple.find(name); it != kSimple.end()) {
    return ParamTypeBuilder::make(it->second, spec());
  }
  if (name == "dict") {
    std::vector<ParamType> args;
    if (pos_ < text_.size() && text_[pos_] == '<') {
      auto a = argList(1);
      if (!a) return a.error();
      if (a->size() != 1) return fail("dict takes one value type");
      args = std::move(*a);
    }
    auto t = ParamTypeBuilder::make(Kind::kDict, spec());
    ParamTypeBuilder::setArgs(t, std::move(args));
    return t;
  }
  if (name == "list" || name == "tuple" || name == "oneof") {
    auto a = argList(name == "oneof" ? 2 : 1);
    if (!a) return a.error();
    if (name == "list" && a->size() != 1) return fail("list takes one type");
    Kind k = name == "list" ? Kind::kList
             : name == "tuple" ? Kind::kTuple
                               : Kind::kOneOf;
    auto t = ParamTypeBuilder::make(k, spec());
    ParamTypeBuilder::setArgs(t, std::move(*a));
    return t;
  }
  if (name == "enum") {
    if (!eat("<")) return fail("'<' expected");
    std::string enum_name = ident();
    if (!eat(">")) return fail("'>' expected");
    auto it = enums_.find(enum_name);
    if (it == enums_.end()) return fail("unknown enum '" + enum_name + "'");
    auto t = ParamTypeBuilder::make(Kind::kEnum, spec());
    ParamTypeBuilder::setEnum(t, enum_name, it->second);
    return t;
  }
  return fail(name.empty() ? "type name expected"
                           : "unknown type '" + name + "'");
}

}  // namespace

sdk::Result<ParamType> ParamType::parse(std::string_view spec,
                                        const EnumTable& enums) {
  SpecParser parser(spec, enums);
  return parser.parseAll();
}

std::string ParamType::describe() const {
  switch (kind_) {
    case Kind::kBool: return "bool";
    case Kind::kInt:
      if (min_ && max_) {
        return "int in " + std::to_string(*min_) + ".." +
               std::to_string(*max_);
      }
      if (min_ && *min_ == 1) return "int > 0";
      if (min_) return "int >= " + std::to_string(*min_);
      return "int";
    case Kind::kFloat: return "float";
    case Kind::kString: return "string";
    case Kind::kNonEmptyString: return "non-empty string";
    case Kind::kAny: return "any value";
    case Kind::kDict:
      return args_.empty() ? "dict" : "dict of " + args_[0].describe();
    case Kind::kList: return "list of " + args_[0].describe();
    case Kind::kTuple: {
      std::string out = "[";
      for (std::size_t i = 0; i < args_.size(); ++i) {
        out += (i ? ", " : "") + args_[i].describe();
      }
      return out + "]";
    }
    case Kind::kOneOf: {
      std::string out;
      for (std::size_t i = 0; i < args_.size(); ++i) {
        out += (i ? " or " : "") + args_[i].describe();
      }
      return out;
    }
    case Kind::kEnum: {
      std::string out = "one of ";
      for (std::size_t i = 0; i < enum_values_.size(); ++i) {
        out += (i ? ", '" : "'") + enum_values_[i] + "'";
      }
      return out;
    }
    case Kind::kIpv4: return "IPv4 address";
    case Kind::kIpv4Net: return "IPv4 network (a.b.c.d/n)";
    case Kind::kIpv6: return "IPv6 address";
    case Kind::kIpv6Net: return "IPv6 network (addr/n)";
    case Kind::kPriority: return "priority -10, 0 or 10";
    case Kind::kDepends:
      return "list of [job_id, [status...]] with statuses from "
             "'success', 'error', 'canceled'";
    case Kind::kReason: return "list of [source, text, timestamp]";
    case Kind::kMods:
      return "list of modifications [op, {params}] or [op, index, {params}]";
  }
  return spec_;
}

std::optional<std::string> ParamType::check(const json& v) const {
  bool ok = false;
  switch (kind_) {
    case Kind::kBool: ok = v.is_boolean(); break;
    case Kind::kInt: {
      auto i = asInteger(v);
      ok = i && (!min_ || *i >= *min_) && (!max_ || *i <= *max_);
      break;
    }
    case Kind::kFloat: ok = v.is_number(); break;
    case Kind::kString: ok = v.is_string(); break;
    case Kind::kNonEmptyString:
      ok = v.is_string() && !v.get_ref<const std::string&>().empty();
      break;
    case Kind::kAny: ok = true; break;
    case Kind::kDict:
      ok = v.is_object();
      if (ok && !args_.empty()) {
        for (const auto& item : v.items()) {
          if (args_[0].check(item.value())) {
            ok = false;
            break;
          }
        }
      }
      break;
    case Kind::kList:
      ok = v.is_array();
      if (ok) {
        for (const auto& item : v) {
          if (args_[0].check(item)) {
            ok = false;
            break;
          }
        }
      }
      break;
    case Kind::kTuple:
      ok = v.is_array() && v.size() == args_.size();
      for (std::size_t i = 0; ok && i < args_.size(); ++i) {
        ok = !args_[i].check(v[i]);
      }
      break;
    case Kind::kOneOf:
      for (const auto& alt : args_) {
        if (!alt.check(v)) {
          ok = true;
          break;
        }
      }
      break;
    case Kind::kEnum:
      ok = v.is_string() &&
           std::find(enum_values_.begin(), enum_values_.end(),
                     v.get_ref<const std::string&>()) != enum_values_.end();
      break;
    case Kind::kIpv4:
      ok = v.is_string() && isAddress(v.get<std::string>(), AF_INET);
      break;
    case Kind::kIpv4Net:
      ok = v.is_string() && isNetwork(v.get<std::string>(), AF_INET, 32);
      break;
    case Kind::kIpv6:
      ok = v.is_string() && isAddress(v.get<std::string>(), AF_INET6);
      break;
    case Kind::kIpv6Net:
      ok = v.is_string() && isNetwork(v.get<std::string>(), AF_INET6, 128);
      break;
    case Kind::kPriority: {
      auto i = asInteger(v);
      ok = i && (*i == -10 || *i == 0 || *i == 10);
      break;
    }
    case Kind::kDepends:
      ok = v.is_array() && std::all_of(v.begin(), v.end(), isDependency);
      break;
    case Kind::kReason:
      ok = v.is_array() && std::all_of(v.begin(), v.end(), isReasonElement);
      break;
    case Kind::kMods:
      ok = v.is_array() && std::all_of(v.begin(), v.end(), isModification);
      break;
  }
  if (ok) return std::nullopt;
  return "expected " + describe() + ", got " + describeValue(v);
}

std::string describeValue(const json& v) {
  std::string kind;
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: kind = "bool"; break;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: kind = "int"; break;
    case json::value_t::number_float: kind = "float"; break;
    case json::value_t::string: kind = "string"; break;
    case json::value_t::array: kind = "list"; break;
    case json::value_t::object: kind = "dict"; break;
    default: kind = "value"; break;
  }
  std::string text = v.dump();
  constexpr std::size_t kMax = 60;
  if (text.size() > kMax) text = text.substr(0, kMax) + "...";
  return kind + " " + text;
}

}  // namespace gantry::core::opcodes
