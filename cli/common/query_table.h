// Renders a LUXI Query answer ({"fields": [...], "data": [...]}) as the
// gnt-* list commands print it.
#pragma once

#include <string>
#include <vector>

#include "cli/common/table.h"
#include "core/luxi/json_text.h"

namespace gantry::cli {

/// One cell as Ganeti's FormatQueryResult prints it: "?" no data, "*"
/// offline, "-" unavailable, "??" unknown field; booleans Y/N, lists
/// joined with ",", sizes with the unit.
std::string formatCell(const core::luxi::Json& cell, const core::luxi::Json& fieldDef,
                       char unit);

struct ListOptions {
  bool headers = true;
  std::string separator;
  char unit = 'h';  // 'm' by default when a separator is given
};

/// The lines of the table; `unknownFields` receives fields the master did
/// not know (the caller warns and exits 14).
std::vector<std::string> formatQueryResult(const core::luxi::Json& result,
                                           const ListOptions& options,
                                           std::vector<std::string>& unknownFields);

}  // namespace gantry::cli
