#include "cli/common/query_table.h"

#include "core/util/units.h"

namespace gantry::cli {
namespace {
using core::luxi::Json;

std::string plain(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "Y" : "N";
  if (value.is_null()) return "";
  if (value.is_array()) {
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (i > 0) out += ",";
      out += plain(value[i]);
    }
    return out;
  }
  return value.dump();
}

// Python's repr of a [sec, usec] pair: "[1796000812, 335672]".
std::string pythonList(const Json& value) {
  std::string out = "[";
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (i > 0) out += ", ";
    out += value[i].dump();
  }
  return out + "]";
}

// What formatting a column's cells needs of its field definition.
struct ColumnFormat {
  std::string kind;
  std::string name;
};

ColumnFormat columnFormat(const Json& fieldDef) {
  return {fieldDef.value("kind", "text"), fieldDef.value("name", "")};
}

std::string formatCellAs(const Json& cell, const ColumnFormat& format, char unit) {
  const int status = cell.at(0).get<int>();
  switch (status) {
    case 0: break;
    case 1: return "??";
    case 2: return "?";
    case 3: return "-";
    case 4: return "*";
    default: return "?";
  }
  const Json& value = cell.at(1);
  const std::string& kind = format.kind;
  const std::string& name = format.name;
  if (kind == "unit" && value.is_number()) {
    return core::util::formatUnit(value.get<double>(), static_cast<core::util::Unit>(unit));
  }
  if ((name == "received_ts" || name == "start_ts" || name == "end_ts") && value.is_array()) {
    return pythonList(value);
  }
  return plain(value);
}

}  // namespace

std::string formatCell(const Json& cell, const Json& fieldDef, char unit) {
  return formatCellAs(cell, columnFormat(fieldDef), unit);
}

std::vector<std::string> formatQueryResult(const Json& result, const ListOptions& options,
                                           std::vector<std::string>& unknownFields) {
  const Json& fields = result.at("fields");
  std::vector<TableColumn> columns;
  std::vector<ColumnFormat> formats;
  for (const auto& f : fields) {
    formats.push_back(columnFormat(f));
    const std::string kind = f.value("kind", "text");
    columns.push_back({f.value("title", f.value("name", "")),
                       kind == "number" || kind == "unit" || kind == "float"});
    if (kind == "unknown") unknownFields.push_back(f.value("name", ""));
  }
  std::vector<std::vector<std::string>> rows;
  const Json& data = result.at("data");
  rows.reserve(data.size());
  for (const auto& row : data) {
    std::vector<std::string> cells;
    cells.reserve(formats.size());
    for (std::size_t i = 0; i < row.size() && i < formats.size(); ++i) {
      cells.push_back(formatCellAs(row[i], formats[i], options.unit));
    }
    rows.push_back(std::move(cells));
  }
  TableOptions table;
  table.headers = options.headers;
  table.separator = options.separator;
  return formatTable(columns, rows, table);
}

}  // namespace gantry::cli
