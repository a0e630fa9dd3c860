// The query language of the client API (Ganeti's Query2,
// src/Ganeti/Query/Language.hs): field definitions, result cells and the
// JSON filter `[operator, operands...]`.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/luxi/json_text.h"

namespace gantry::core::query {

using Json = luxi::Json;

/// Field kinds with Ganeti's wire names (QFT_*).
enum class FieldKind {
  kUnknown,    // "unknown"
  kText,       // "text"
  kBool,       // "bool"
  kNumber,     // "number"
  kFloat,      // "float"
  kUnit,       // "unit" (MiB)
  kTimestamp,  // "timestamp"
  kOther,      // "other"
};
std::string_view fieldKindName(FieldKind kind);

/// Cell status codes (RS_*).
enum class ResultStatus : int {
  kNormal = 0,
  kUnknown = 1,  // unknown field
  kNoData = 2,   // data could not be collected (RPC failed)
  kUnavail = 3,  // not available for this item
  kOffline = 4,  // the node is offline
};

/// How filters compare a field's values (Ganeti's QffMode).
enum class CompareMode {
  kNormal,
  kHostname,   // "==" matches "node1" against "node1.example.com"
  kTimestamp,  // value is [sec, usec]; filters compare the seconds
};

struct FieldDef {
  std::string name;
  std::string title;
  FieldKind kind = FieldKind::kText;
  std::string doc;
};
/// `{"name":..,"title":..,"kind":..,"doc":..}` in that order.
Json fieldDefToJson(const FieldDef& def);
/// The definition Ganeti reports for a name no resource knows:
/// title = name, kind unknown, doc "Unknown field '<name>'".
FieldDef unknownFieldDef(std::string_view name);

/// One cell of a result row: status and (for kNormal) the value.
struct Cell {
  ResultStatus status = ResultStatus::kNormal;
  Json value;

  static Cell normal(Json value) {
    return Cell{ResultStatus::kNormal, std::move(value)};
  }
  static Cell withStatus(ResultStatus status) { return Cell{status, Json()}; }
  /// `[status, value]`, value null unless kNormal.
  Json toJson() const;
};

/// A value in a filter: a string or an integer (no booleans, no floats).
class FilterValue {
 public:
  FilterValue() : value_(std::int64_t{0}) {}
  FilterValue(std::string text) : value_(std::move(text)) {}
  FilterValue(const char* text) : value_(std::string(text)) {}
  FilterValue(std::int64_t number) : value_(number) {}

  bool isString() const noexcept { return value_.index() == 0; }
  const std::string& string() const { return std::get<0>(value_); }
  std::int64_t number() const { return std::get<1>(value_); }

  Json toJson() const;
  /// Haskell's show: `QuotedString "a"`, `NumericValue 1`,
  /// `NumericValue (-1)`; used in error messages.
  std::string haskellShow() const;

  bool operator==(const FilterValue& other) const = default;

 private:
  std::variant<std::string, std::int64_t> value_;
};

class Regex;

enum class FilterOp {
  kEmpty,  // null: matches everything
  kAnd,
  kOr,
  kNot,
  kTrue,     // "?"
  kEqual,    // "==", legacy "="; "!=" is kNot over kEqual
  kLess,     // "<"
  kGreater,  // ">"
  kLessEqual,
  kGreaterEqual,
  kRegex,     // "=~"
  kContains,  // "=[]"
};

/// A parsed filter. Leaves name a field; compileFilter fills fieldIndex.
struct Filter {
  FilterOp op = FilterOp::kEmpty;
  std::vector<Filter> children;  // kAnd, kOr, kNot (one child)
  std::string field;             // leaves
  FilterValue value;             // comparisons, kContains; kRegex: pattern
  std::shared_ptr<const Regex> regex;  // kRegex
  int fieldIndex = -1;                 // set by compilation

  /// Field names the filter uses, in order of appearance, without repeats.
  std::vector<std::string> fieldNames() const;
  /// The JSON form (`null`, `["&", ...]`, `["==", "name", "a"]`, ...).
  Json toJson() const;
};

/// A filter that cannot be parsed; what() is the detail Ganeti reports
/// after "Cannot convert value '<args>', error: ".
class FilterParseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Parses a JSON filter with Ganeti's rules and messages:
///   "Cannot deserialise filter: expected array [string, args], got []",
///   "Unknown filter operand 'foo'",
///   "Cannot deserialise field, expected [filter] but got []",
///   "Cannot deserialise field, expected [fieldname] but got [\"a\", 1]",
///   "Cannot deserialise field/value pair, expected [fieldname, value] but
///    got [\"name\"]",
///   "Cannot deserialise filter value, expecting string or integer, got
///    true", "Cannot deserialise numeric filter value, expecting integral
///    but got a fractional value: 3 % 2", and regex compile errors.
Filter parseFilter(const Json& filter);

/// If the filter is null or an or-tree of `==` on `nameField` only, the
/// values in order (null gives an empty list); otherwise nullopt.
std::optional<std::vector<FilterValue>> requestedNames(
    const Filter& filter, std::string_view nameField);

/// The or-filter for a list of names (`["|", ["==", field, v], ...]`);
/// an empty list gives the empty filter.
Filter makeSimpleFilter(std::string_view nameField,
                        const std::vector<FilterValue>& values);

}  // namespace gantry::core::query
