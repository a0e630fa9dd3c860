#include "core/query/language.h"

#include <algorithm>
#include <cmath>

#include "core/query/regex.h"

namespace gantry::core::query {
namespace {

using luxi::haskellPretty;

// Haskell's `show (pp_value (showJSON list))` of an argument list.
std::string prettyArgs(const Json& array, std::size_t from) {
  Json rest = Json::array();
  for (std::size_t i = from; i < array.size(); ++i) rest.push_back(array[i]);
  return haskellPretty(rest);
}

std::string readFieldName(const Json& value) {
  if (!value.is_string()) throw FilterParseError("Unable to read String");
  return value.get<std::string>();
}

FilterValue readFilterValue(const Json& value) {
  if (value.is_string()) return FilterValue(value.get<std::string>());
  if (value.is_number_integer()) return FilterValue(value.get<std::int64_t>());
  if (value.is_number_float()) {
    double d = value.get<double>();
    if (std::isfinite(d) && d == std::trunc(d)) {
      return FilterValue(static_cast<std::int64_t>(d));
    }
    throw FilterParseError(
        "Cannot deserialise numeric filter value, expecting integral but got "
        "a fractional value: " +
        luxi::haskellShowRational(value));
  }
  throw FilterParseError(
      "Cannot deserialise filter value, expecting string or integer, got " +
      haskellPretty(value));
}

Filter leaf(FilterOp op, std::string field) {
  Filter f;
  f.op = op;
  f.field = std::move(field);
  return f;
}

Filter readFieldValue(FilterOp op, const Json& array) {
  if (array.size() != 3) {
    throw FilterParseError(
        "Cannot deserialise field/value pair, expected [fieldname, value] but "
        "got " +
        prettyArgs(array, 1));
  }
  Filter f = leaf(op, readFieldName(array[1]));
  if (op == FilterOp::kRegex) {
    if (!array[2].is_string()) throw FilterParseError("Unable to read String");
    auto pattern = array[2].get<std::string>();
    try {
      f.regex = std::make_shared<const Regex>(pattern);
    } catch (const RegexError& e) {
      throw FilterParseError(e.what());
    }
    f.value = FilterValue(std::move(pattern));
  } else {
    f.value = readFilterValue(array[2]);
  }
  return f;
}

const char* opName(FilterOp op) {
  switch (op) {
    case FilterOp::kAnd: return "&";
    case FilterOp::kOr: return "|";
    case FilterOp::kNot: return "!";
    case FilterOp::kTrue: return "?";
    case FilterOp::kEqual: return "==";
    case FilterOp::kLess: return "<";
    case FilterOp::kGreater: return ">";
    case FilterOp::kLessEqual: return "<=";
    case FilterOp::kGreaterEqual: return ">=";
    case FilterOp::kRegex: return "=~";
    case FilterOp::kContains: return "=[]";
    case FilterOp::kEmpty: break;
  }
  return "";
}

void collectFields(const Filter& f, std::vector<std::string>& out) {
  bool isLeaf = f.op != FilterOp::kEmpty && f.op != FilterOp::kAnd &&
                f.op != FilterOp::kOr && f.op != FilterOp::kNot;
  if (isLeaf) {
    if (std::find(out.begin(), out.end(), f.field) == out.end()) {
      out.push_back(f.field);
    }
  }
  for (const auto& child : f.children) collectFields(child, out);
}

bool namesOf(const Filter& f, std::string_view nameField,
             std::vector<FilterValue>& out) {
  switch (f.op) {
    case FilterOp::kEmpty:
      return true;
    case FilterOp::kOr:
      for (const auto& child : f.children) {
        if (!namesOf(child, nameField, out)) return false;
      }
      return true;
    case FilterOp::kEqual:
      if (f.field != nameField) return false;
      out.push_back(f.value);
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string_view fieldKindName(FieldKind kind) {
  switch (kind) {
    case FieldKind::kUnknown: return "unknown";
    case FieldKind::kText: return "text";
    case FieldKind::kBool: return "bool";
    case FieldKind::kNumber: return "number";
    case FieldKind::kFloat: return "float";
    case FieldKind::kUnit: return "unit";
    case FieldKind::kTimestamp: return "timestamp";
    case FieldKind::kOther: return "other";
  }
  return "unknown";
}

Json fieldDefToJson(const FieldDef& def) {
  Json out = Json::object();
  out["name"] = def.name;
  out["title"] = def.title;
  out["kind"] = std::string(fieldKindName(def.kind));
  out["doc"] = def.doc;
  return out;
}

FieldDef unknownFieldDef(std::string_view name) {
  return FieldDef{std::string(name), std::string(name), FieldKind::kUnknown,
                  "Unknown field '" + std::string(name) + "'"};
}

Json Cell::toJson() const {
  return Json::array({static_cast<int>(status),
                      status == ResultStatus::kNormal ? value : Json()});
}

Json FilterValue::toJson() const {
  return isString() ? Json(string()) : Json(number());
}

std::string FilterValue::haskellShow() const {
  if (isString()) return "QuotedString " + luxi::haskellShowString(string());
  std::int64_t n = number();
  return n < 0 ? "NumericValue (" + std::to_string(n) + ")"
               : "NumericValue " + std::to_string(n);
}

std::vector<std::string> Filter::fieldNames() const {
  std::vector<std::string> out;
  collectFields(*this, out);
  return out;
}

Json Filter::toJson() const {
  switch (op) {
    case FilterOp::kEmpty:
      return Json();
    case FilterOp::kAnd:
    case FilterOp::kOr:
    case FilterOp::kNot: {
      Json out = Json::array({opName(op)});
      for (const auto& child : children) out.push_back(child.toJson());
      return out;
    }
    case FilterOp::kTrue:
      return Json::array({"?", field});
    default:
      return Json::array({opName(op), field, value.toJson()});
  }
}

Filter parseFilter(const Json& json) {
  if (json.is_null()) return Filter{};
  if (!json.is_array() || json.empty() || !json[0].is_string()) {
    throw FilterParseError(
        "Cannot deserialise filter: expected array [string, args], got " +
        haskellPretty(json));
  }
  const auto& op = json[0].get_ref<const std::string&>();
  if (op == "&" || op == "|") {
    Filter f;
    f.op = op == "&" ? FilterOp::kAnd : FilterOp::kOr;
    for (std::size_t i = 1; i < json.size(); ++i) {
      f.children.push_back(parseFilter(json[i]));
    }
    return f;
  }
  if (op == "!") {
    if (json.size() != 2) {
      throw FilterParseError(
          "Cannot deserialise field, expected [filter] but got " +
          prettyArgs(json, 1));
    }
    Filter f;
    f.op = FilterOp::kNot;
    f.children.push_back(parseFilter(json[1]));
    return f;
  }
  if (op == "?") {
    if (json.size() != 2) {
      throw FilterParseError(
          "Cannot deserialise field, expected [fieldname] but got " +
          prettyArgs(json, 1));
    }
    return leaf(FilterOp::kTrue, readFieldName(json[1]));
  }
  if (op == "==" || op == "=") return readFieldValue(FilterOp::kEqual, json);
  if (op == "!=") {
    Filter f;
    f.op = FilterOp::kNot;
    f.children.push_back(readFieldValue(FilterOp::kEqual, json));
    return f;
  }
  if (op == "<") return readFieldValue(FilterOp::kLess, json);
  if (op == ">") return readFieldValue(FilterOp::kGreater, json);
  if (op == "<=") return readFieldValue(FilterOp::kLessEqual, json);
  if (op == ">=") return readFieldValue(FilterOp::kGreaterEqual, json);
  if (op == "=~") return readFieldValue(FilterOp::kRegex, json);
  if (op == "=[]") return readFieldValue(FilterOp::kContains, json);
  throw FilterParseError("Unknown filter operand '" + op + "'");
}

std::optional<std::vector<FilterValue>> requestedNames(
    const Filter& filter, std::string_view nameField) {
  std::vector<FilterValue> out;
  if (!namesOf(filter, nameField, out)) return std::nullopt;
  return out;
}

Filter makeSimpleFilter(std::string_view nameField,
                        const std::vector<FilterValue>& values) {
  Filter f;
  if (values.empty()) return f;
  f.op = FilterOp::kOr;
  for (const auto& value : values) {
    Filter eq = leaf(FilterOp::kEqual, std::string(nameField));
    eq.value = value;
    f.children.push_back(std::move(eq));
  }
  return f;
}

}  // namespace gantry::core::query
