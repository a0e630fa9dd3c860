// Table output of the gnt-* list commands (Ganeti's FormatTable and the
// older GenerateTable): one space between columns, widths from the widest
// cell, numbers right-aligned, the last left-aligned column unpadded.
#pragma once

#include <string>
#include <vector>

namespace gantry::cli {

struct TableColumn {
  std::string title;
  bool alignRight = false;  // numbers and sizes
};

struct TableOptions {
  bool headers = true;
  std::string separator;     // non-empty: join cells with it, no padding
  /// GenerateTable's quirk (gnt-os list, gnt-node volumes): the header's
  /// last column is padded to the column width, data rows are not.
  bool padLastHeader = false;
};

/// Lines of the table, without trailing newlines.
std::vector<std::string> formatTable(const std::vector<TableColumn>& columns,
                                     const std::vector<std::vector<std::string>>& rows,
                                     const TableOptions& options = {});

}  // namespace gantry::cli
