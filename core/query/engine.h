// The query engine behind `Query`, `QueryFields` and the classic
// `Query<Resource>` calls (Ganeti's src/Ganeti/Query/{Query,Filter}.hs).
// A resource (nodes, instances, jobs, ...) is a table of field definitions;
// the master supplies its items and cells through an ItemSource. The engine
// checks the filter, decides between name lookups and a full scan, filters
// the items and builds the result with Ganeti's shapes and messages.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/query/language.h"

namespace gantry::core::query {

/// One field of a resource.
struct FieldSpec {
  FieldDef def;
  CompareMode mode = CompareMode::kNormal;
};

/// A field as the resource tables write it: name, title, kind, doc.
inline FieldSpec field(const char* name, const char* title, FieldKind kind, const char* doc,
                       CompareMode mode = CompareMode::kNormal) {
  return FieldSpec{{name, title, kind, doc}, mode};
}

/// The fields of one resource kind ("node", "instance", "job", ...).
class Resource {
 public:
  /// `nameField` is the field names are looked up by ("name"; "id" for
  /// jobs; "node" for exports). Field names must be unique.
  Resource(std::string kind, std::string nameField,
           std::vector<FieldSpec> fields);

  const std::string& kind() const noexcept { return kind_; }
  const std::string& nameField() const noexcept { return nameField_; }
  const std::vector<FieldSpec>& fields() const noexcept { return fields_; }
  /// nullptr for unknown names.
  const FieldSpec* find(std::string_view name) const;

  /// QueryFields: `{"fields": [fielddef, ...]}`. No names: every field,
  /// sorted by name in natural order; otherwise one definition per name in
  /// request order, unknown names as kind "unknown".
  Json queryFields(const std::vector<std::string>& names) const;

 private:
  std::string kind_;
  std::string nameField_;
  std::vector<FieldSpec> fields_;
};

/// A query checked against a resource. Throws EncodedError ParameterError
/// "Can't find field named '<f>'" for a filter field the resource lacks
/// (requested unknown fields are no error: they become "unknown" columns).
class PreparedQuery {
 public:
  PreparedQuery(const Resource& resource, std::vector<std::string> fields,
                Filter filter);

  const Resource& resource() const noexcept { return *resource_; }
  /// Requested fields first (repeats kept), then fields only the filter
  /// uses. Unknown requested fields are returned with kind kUnknown.
  const std::vector<FieldSpec>& columns() const noexcept { return columns_; }
  std::size_t requestedCount() const noexcept { return requested_; }
  /// Names of every known column: what the source must be able to compute
  /// (the master decides from these whether live data is needed).
  std::vector<std::string> neededFields() const;
  const Filter& filter() const noexcept { return filter_; }
  /// Values to look up when the filter is null or only `==` on the name
  /// field or-ed together (empty for null); nullopt means a full scan.
  const std::optional<std::vector<FilterValue>>& names() const noexcept {
    return names_;
  }

 private:
  const Resource* resource_;
  std::vector<FieldSpec> columns_;
  std::size_t requested_ = 0;
  Filter filter_;
  std::optional<std::vector<FilterValue>> names_;
};

/// Opaque item reference chosen by the source (e.g. an index).
using ItemHandle = std::size_t;

/// What the master plugs in for one query.
struct ItemSource {
  /// Every item, in result order (natural name order, job ids ascending).
  std::function<std::vector<ItemHandle>()> scan;
  /// Items for the names of a name-only filter, in the order given: each
  /// value resolved as the resource does (exact name, unique component
  /// prefix, uuid), throwing EncodedError for an unknown or ambiguous name
  /// (see resolveName). Unset: such filters scan too.
  std::function<std::vector<ItemHandle>(const std::vector<FilterValue>&)>
      lookup;
  /// The cell of one (known) field for one item.
  std::function<Cell(ItemHandle, const FieldSpec&)> cell;
};

/// Runs a prepared query: `{"fields": [...], "data": [[[status, value],
/// ...], ...]}`. Filter evaluation errors are thrown as EncodedError with
/// Ganeti's classes and texts (ParameterError "Invalid types in
/// comparison, trying to compare \"localhost\" with 'NumericValue 1'",
/// "Unexpected value '\"x\"' in boolean context", ...).
Json runQuery(const PreparedQuery& query, const ItemSource& source);

/// Whether one item passes the filter, reading cells through `cellOf`
/// (column index into query.columns()). A leaf whose cell has a status
/// other than kNormal passes ("no data, accept"); `&`/`|` stop at the
/// first decisive operand.
bool evaluateFilter(const PreparedQuery& query,
                    const std::function<Cell(std::size_t column)>& cellOf);

/// The classic `Query<Resource>` answer from a Query result: rows of plain
/// values (null where the status is not normal). Throws OpPrereqError
/// "Unknown output fields selected: a, b" (wrong_input) if any requested
/// field is unknown.
Json classicRows(const Json& queryResult);

// --- helpers for resource implementations ---

/// Natural order (Ganeti's niceSort): digit runs compare as numbers, and a
/// digit run sorts before text at the same position ("node2" < "node10").
bool naturalLess(std::string_view a, std::string_view b);

/// Host-name component match: `lookup` equals `name`, or `name` starts
/// with `lookup` + "." ("node1" matches "node1.example.com").
bool nameMatchesComponent(std::string_view name, std::string_view lookup);

enum class MatchKind { kExact, kMultiple, kPartial, kNone };
struct NameMatch {
  MatchKind kind = MatchKind::kNone;
  std::string name;  // the full name for kExact/kPartial
};
/// Ganeti's lookupName over candidate names: an exact match wins, one
/// component-prefix match is kPartial, two are kMultiple.
NameMatch lookupName(const std::vector<std::string>& names,
                     std::string_view key);

/// lookupName that throws OpPrereqError (unknown_entity)
/// "<Kind> name <key> not found" / "<Kind> name <key> has multiple
/// matches"; `kindTitle` is "Node", "Instance", "NodeGroup", "Network".
std::string resolveName(std::string_view kindTitle,
                        const std::vector<std::string>& names,
                        std::string_view key);

/// A job id from a filter value (integer or decimal string). Throws
/// GenericError "parsing job id: cannot parse string 'abc'" or
/// "Invalid value for job ID ' -1'".
std::int64_t jobIdFromFilterValue(const FilterValue& value);

}  // namespace gantry::core::query
