#include "core/query/engine.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <utility>

#include "core/luxi/errors.h"
#include "core/query/regex.h"

namespace gantry::core::query {
namespace {

using luxi::haskellPretty;

void compile(Filter& filter, const std::vector<FieldSpec>& columns) {
  for (auto& child : filter.children) compile(child, columns);
  bool isLeaf = filter.op != FilterOp::kEmpty && filter.op != FilterOp::kAnd &&
                filter.op != FilterOp::kOr && filter.op != FilterOp::kNot;
  if (!isLeaf) return;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].def.kind != FieldKind::kUnknown &&
        columns[i].def.name == filter.field) {
      filter.fieldIndex = static_cast<int>(i);
      return;
    }
  }
}

[[noreturn]] void typeMismatch(const Json& actual, const FilterValue& expr) {
  throw luxi::parameterError(
      "Invalid types in comparison, trying to compare " +
      haskellPretty(actual) + " with '" + expr.haskellShow() + "'");
}

// <0, 0, >0 for actual versus the filter value; throws on a type mismatch.
int compareValues(const Json& actual, const FilterValue& expr) {
  if (expr.isString() && actual.is_string()) {
    int c = actual.get_ref<const std::string&>().compare(expr.string());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (!expr.isString() && actual.is_number()) {
    std::int64_t y = expr.number();
    if (actual.is_number_integer()) {
      auto x = actual.get<std::int64_t>();
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    if (actual.is_number_unsigned()) {
      auto x = actual.get<std::uint64_t>();
      if (y < 0) return 1;
      auto uy = static_cast<std::uint64_t>(y);
      return x < uy ? -1 : (x > uy ? 1 : 0);
    }
    auto x = static_cast<long double>(actual.get<double>());
    auto ly = static_cast<long double>(y);
    return x < ly ? -1 : (x > ly ? 1 : 0);
  }
  typeMismatch(actual, expr);
}

bool containsValue(const Json& list, const FilterValue& expr) {
  auto cannotConvert = [&](const char* reason) {
    return luxi::genericError("Cannot convert value '" + haskellPretty(list) +
                              "', error: " + reason);
  };
  if (!list.is_array()) throw cannotConvert("Unable to read list");
  bool found = false;
  for (const auto& item : list) {
    if (expr.isString()) {
      if (!item.is_string()) throw cannotConvert("Unable to read String");
      if (item.get_ref<const std::string&>() == expr.string()) found = true;
    } else {
      if (!item.is_number()) throw cannotConvert("Unable to read Integer");
      // Text.JSON reads a fractional number as Integer by rounding.
      auto rounded = static_cast<std::int64_t>(
          std::nearbyint(item.get<double>()));
      if (item.is_number_integer()) rounded = item.get<std::int64_t>();
      if (rounded == expr.number()) found = true;
    }
  }
  return found;
}

bool evaluateLeaf(const Filter& f, const Cell& cell, CompareMode mode) {
  if (cell.status != ResultStatus::kNormal) return true;
  Json value = cell.value;
  if (mode == CompareMode::kTimestamp) {
    if (value.is_array() && value.size() == 2 && value[0].is_number() &&
        value[1].is_number()) {
      value = Json(value[0]);
    } else {
      throw luxi::programmerError(
          "Internal error: Getter returned non-timestamp for QffTimestamp");
    }
  }
  switch (f.op) {
    case FilterOp::kTrue:
      if (value.is_boolean()) return value.get<bool>();
      throw luxi::parameterError("Unexpected value '" + haskellPretty(value) +
                                 "' in boolean context");
    case FilterOp::kEqual:
      if (mode == CompareMode::kHostname) {
        if (value.is_number()) {
          throw luxi::programmerError(
              "QffHostname field returned a numeric value");
        }
        if (f.value.isString() && value.is_string()) {
          return nameMatchesComponent(value.get_ref<const std::string&>(),
                                      f.value.string());
        }
      }
      return compareValues(value, f.value) == 0;
    case FilterOp::kLess:
      return compareValues(value, f.value) < 0;
    case FilterOp::kGreater:
      return compareValues(value, f.value) > 0;
    case FilterOp::kLessEqual:
      return compareValues(value, f.value) <= 0;
    case FilterOp::kGreaterEqual:
      return compareValues(value, f.value) >= 0;
    case FilterOp::kRegex:
      if (!value.is_string()) {
        throw luxi::parameterError(
            "Invalid field value used in regexp matching, expecting string "
            "but got '" +
            haskellPretty(value) + "'");
      }
      return f.regex->search(value.get_ref<const std::string&>());
    case FilterOp::kContains:
      return containsValue(value, f.value);
    default:
      return true;
  }
}

bool evaluate(const Filter& f, const std::vector<FieldSpec>& columns,
              const std::function<Cell(std::size_t)>& cellOf) {
  switch (f.op) {
    case FilterOp::kEmpty:
      return true;
    case FilterOp::kAnd:
      for (const auto& child : f.children) {
        if (!evaluate(child, columns, cellOf)) return false;
      }
      return true;
    case FilterOp::kOr:
      for (const auto& child : f.children) {
        if (evaluate(child, columns, cellOf)) return true;
      }
      return false;
    case FilterOp::kNot:
      return !evaluate(f.children.at(0), columns, cellOf);
    default: {
      auto index = static_cast<std::size_t>(f.fieldIndex);
      return evaluateLeaf(f, cellOf(index), columns.at(index).mode);
    }
  }
}

// One component of a natural sort key: a number or a text run, read in
// place (sorting a thousand names compares them ~10,000 times).
struct KeyPart {
  bool isNumber = false;
  std::string_view text;  // digits without leading zeros, or the text
};

// The run starting at `pos`, which moves past it.
KeyPart nextKeyPart(std::string_view s, std::size_t& pos) {
  const bool digit = std::isdigit(static_cast<unsigned char>(s[pos])) != 0;
  std::size_t end = pos;
  while (end < s.size() && (std::isdigit(static_cast<unsigned char>(s[end])) != 0) == digit) {
    ++end;
  }
  std::string_view run = s.substr(pos, end - pos);
  pos = end;
  if (digit) {
    const auto nz = run.find_first_not_of('0');
    run = nz == std::string_view::npos ? run.substr(run.size() - 1) : run.substr(nz);
  }
  return KeyPart{digit, run};
}

}  // namespace

Resource::Resource(std::string kind, std::string nameField,
                   std::vector<FieldSpec> fields)
    : kind_(std::move(kind)),
      nameField_(std::move(nameField)),
      fields_(std::move(fields)) {}

const FieldSpec* Resource::find(std::string_view name) const {
  for (const auto& field : fields_) {
    if (field.def.name == name) return &field;
  }
  return nullptr;
}

Json Resource::queryFields(const std::vector<std::string>& names) const {
  Json defs = Json::array();
  if (names.empty()) {
    std::vector<const FieldSpec*> sorted;
    for (const auto& field : fields_) sorted.push_back(&field);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const FieldSpec* a, const FieldSpec* b) {
                       return naturalLess(a->def.name, b->def.name);
                     });
    for (const auto* field : sorted) defs.push_back(fieldDefToJson(field->def));
  } else {
    for (const auto& name : names) {
      const FieldSpec* field = find(name);
      defs.push_back(fieldDefToJson(field ? field->def : unknownFieldDef(name)));
    }
  }
  Json out = Json::object();
  out["fields"] = std::move(defs);
  return out;
}

PreparedQuery::PreparedQuery(const Resource& resource,
                             std::vector<std::string> fields, Filter filter)
    : resource_(&resource), filter_(std::move(filter)) {
  for (const auto& name : filter_.fieldNames()) {
    if (!resource.find(name)) {
      throw luxi::parameterError("Can't find field named '" + name + "'");
    }
  }
  for (const auto& name : fields) {
    const FieldSpec* spec = resource.find(name);
    columns_.push_back(spec ? *spec : FieldSpec{unknownFieldDef(name)});
  }
  requested_ = columns_.size();
  for (const auto& name : filter_.fieldNames()) {
    if (std::find(fields.begin(), fields.end(), name) == fields.end()) {
      columns_.push_back(*resource.find(name));
    }
  }
  compile(filter_, columns_);
  names_ = requestedNames(filter_, resource.nameField());
}

std::vector<std::string> PreparedQuery::neededFields() const {
  std::vector<std::string> out;
  for (const auto& column : columns_) {
    if (column.def.kind == FieldKind::kUnknown) continue;
    if (std::find(out.begin(), out.end(), column.def.name) == out.end()) {
      out.push_back(column.def.name);
    }
  }
  return out;
}

bool evaluateFilter(const PreparedQuery& query,
                    const std::function<Cell(std::size_t column)>& cellOf) {
  return evaluate(query.filter(), query.columns(), cellOf);
}

Json runQuery(const PreparedQuery& query, const ItemSource& source) {
  const auto& columns = query.columns();
  std::vector<ItemHandle> items;
  if (query.names() && !query.names()->empty() && source.lookup) {
    items = source.lookup(*query.names());
  } else {
    items = source.scan();
  }
  Json data = Json::array();
  std::vector<std::optional<Cell>> cache(columns.size());
  for (ItemHandle item : items) {
    std::fill(cache.begin(), cache.end(), std::nullopt);
    auto cellOf = [&](std::size_t column) -> const Cell& {
      if (!cache[column]) {
        const FieldSpec& spec = columns[column];
        cache[column] = spec.def.kind == FieldKind::kUnknown
                            ? Cell::withStatus(ResultStatus::kUnknown)
                            : source.cell(item, spec);
      }
      return *cache[column];
    };
    if (query.filter().op != FilterOp::kEmpty && !evaluateFilter(query, cellOf)) continue;
    Json row = Json::array();
    for (std::size_t i = 0; i < query.requestedCount(); ++i) {
      row.push_back(cellOf(i).toJson());
    }
    data.push_back(std::move(row));
  }
  Json fields = Json::array();
  for (std::size_t i = 0; i < query.requestedCount(); ++i) {
    fields.push_back(fieldDefToJson(columns[i].def));
  }
  Json out = Json::object();
  out["fields"] = std::move(fields);
  out["data"] = std::move(data);
  return out;
}

Json classicRows(const Json& queryResult) {
  std::string unknown;
  for (const auto& def : queryResult.at("fields")) {
    if (def.at("kind") == "unknown") {
      if (!unknown.empty()) unknown += ", ";
      unknown += def.at("name").get<std::string>();
    }
  }
  if (!unknown.empty()) {
    throw luxi::opPrereqError("Unknown output fields selected: " + unknown,
                              luxi::kEcodeInval);
  }
  Json rows = Json::array();
  for (const auto& row : queryResult.at("data")) {
    Json plain = Json::array();
    for (const auto& cell : row) plain.push_back(cell.at(1));
    rows.push_back(std::move(plain));
  }
  return rows;
}

bool naturalLess(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const KeyPart x = nextKeyPart(a, i);
    const KeyPart y = nextKeyPart(b, j);
    if (x.isNumber != y.isNumber) return x.isNumber;
    if (x.isNumber && x.text.size() != y.text.size()) return x.text.size() < y.text.size();
    if (x.text != y.text) return x.text < y.text;
  }
  const bool aLeft = i < a.size(), bLeft = j < b.size();
  if (aLeft != bLeft) return bLeft;  // fewer parts first
  return a < b;  // "01" vs "1": keep a total order
}

bool nameMatchesComponent(std::string_view name, std::string_view lookup) {
  if (name == lookup) return true;
  return name.size() > lookup.size() && name.substr(0, lookup.size()) == lookup &&
         name[lookup.size()] == '.';
}

NameMatch lookupName(const std::vector<std::string>& names,
                     std::string_view key) {
  NameMatch result;
  for (const auto& name : names) {
    if (name == key) return NameMatch{MatchKind::kExact, name};
    if (nameMatchesComponent(name, key)) {
      if (result.kind == MatchKind::kPartial) {
        result = NameMatch{MatchKind::kMultiple, std::string(key)};
      } else if (result.kind == MatchKind::kNone) {
        result = NameMatch{MatchKind::kPartial, name};
      }
    }
  }
  if (result.kind == MatchKind::kNone) result.name = std::string(key);
  return result;
}

std::string resolveName(std::string_view kindTitle,
                        const std::vector<std::string>& names,
                        std::string_view key) {
  NameMatch match = lookupName(names, key);
  std::string prefix =
      std::string(kindTitle) + " name " + std::string(key) + " ";
  switch (match.kind) {
    case MatchKind::kExact:
    case MatchKind::kPartial:
      return match.name;
    case MatchKind::kMultiple:
      throw luxi::opPrereqError(prefix + "has multiple matches",
                                luxi::kEcodeNoEnt);
    case MatchKind::kNone:
      break;
  }
  throw luxi::opPrereqError(prefix + "not found", luxi::kEcodeNoEnt);
}

std::int64_t jobIdFromFilterValue(const FilterValue& value) {
  std::int64_t id = 0;
  if (value.isString()) {
    const std::string& text = value.string();
    std::size_t i = 0;
    bool negative = false;
    if (i < text.size() && text[i] == '-') {
      negative = true;
      ++i;
    }
    bool ok = i < text.size() && text.size() - i <= 18;
    for (std::size_t k = i; ok && k < text.size(); ++k) {
      if (!std::isdigit(static_cast<unsigned char>(text[k]))) ok = false;
    }
    if (!ok) {
      throw luxi::genericError("parsing job id: cannot parse string '" + text +
                               "'");
    }
    id = std::stoll(text.substr(i));
    if (negative) id = -id;
  } else {
    id = value.number();
  }
  if (id < 0) {
    throw luxi::genericError("Invalid value for job ID ' " +
                             std::to_string(id) + "'");
  }
  return id;
}

}  // namespace gantry::core::query
