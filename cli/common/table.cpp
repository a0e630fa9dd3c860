#include "cli/common/table.h"

#include <algorithm>

namespace gantry::cli {

std::vector<std::string> formatTable(const std::vector<TableColumn>& columns,
                                     const std::vector<std::vector<std::string>>& rows,
                                     const TableOptions& options) {
  std::vector<std::string> lines;
  const std::size_t n = columns.size();
  auto cell = [&](const std::vector<std::string>& row, std::size_t i) -> const std::string& {
    static const std::string empty;
    return i < row.size() ? row[i] : empty;
  };

  if (!options.separator.empty()) {
    auto join = [&](const std::vector<std::string>& row) {
      std::string line;
      for (std::size_t i = 0; i < n; ++i) {
        if (i > 0) line += options.separator;
        line += cell(row, i);
      }
      return line;
    };
    if (options.headers) {
      std::vector<std::string> titles;
      for (const auto& c : columns) titles.push_back(c.title);
      lines.push_back(join(titles));
    }
    for (const auto& row : rows) lines.push_back(join(row));
    return lines;
  }

  std::vector<std::size_t> width(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (options.headers) width[i] = columns[i].title.size();
    for (const auto& row : rows) width[i] = std::max(width[i], cell(row, i).size());
  }
  auto render = [&](const std::vector<std::string>& row, bool isHeader) {
    std::string line;
    for (std::size_t i = 0; i < n; ++i) {
      if (i > 0) line += ' ';
      const std::string& text = cell(row, i);
      const std::size_t pad = width[i] - std::min(width[i], text.size());
      const bool last = i + 1 == n;
      if (columns[i].alignRight) {
        line.append(pad, ' ');
        line += text;
      } else {
        line += text;
        if (!last || (isHeader && options.padLastHeader)) line.append(pad, ' ');
      }
    }
    return line;
  };
  if (options.headers) {
    std::vector<std::string> titles;
    for (const auto& c : columns) titles.push_back(c.title);
    lines.push_back(render(titles, true));
  }
  for (const auto& row : rows) lines.push_back(render(row, false));
  return lines;
}

}  // namespace gantry::cli
