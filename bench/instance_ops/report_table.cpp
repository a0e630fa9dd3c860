#include "report_table.h"

#include <algorithm>
#include <cmath>

namespace gantry::bench {
namespace {

std::string format(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

std::string duration(double ms) {
  if (ms < 10) return format("%.2f ms", ms);
  if (ms < 1000) return format("%.1f ms", ms);
  return format("%.2f s", ms / 1000);
}

std::string seconds(double ms) { return format("%.2f", ms / 1000); }

std::string ratio(double value) {
  return format(value >= 100 ? "%.0f" : value >= 10 ? "%.1f" : "%.2f", value);
}

std::string ganetiCell(const GanetiFigure& g) {
  std::string text;
  if (g.highMs < 1000) {  // e.g. a migration's downtime: milliseconds say more
    text = g.lowMs == g.highMs ? duration(g.lowMs) : duration(g.lowMs) + "-" + duration(g.highMs);
  } else {
    text = g.lowMs == g.highMs ? seconds(g.lowMs) + " s"
                               : seconds(g.lowMs) + "-" + seconds(g.highMs) + " s";
  }
  if (!g.condition.empty()) text += " (" + g.condition + ")";
  return text;
}

std::string ratioCell(const GanetiFigure& g, double gantryMs) {
  if (gantryMs <= 0) return "-";
  if (g.lowMs == g.highMs) return ratio(g.lowMs / gantryMs) + "x";
  return ratio(g.lowMs / gantryMs) + "-" + ratio(g.highMs / gantryMs) + "x";
}

std::string goalCell(double goalMs, double gantryMs) {
  return "< " + format("%.0f", goalMs) + " ms: " + (gantryMs < goalMs ? "met" : "MISSED");
}

using Line = std::vector<std::string>;

Line cells(const ReportRow& row) {
  if (!row.unavailable.empty()) return {row.operation, row.unavailable};
  const double median = row.samples.median();
  return {row.operation,
          std::to_string(row.samples.count()),
          duration(median),
          duration(row.samples.min()),
          duration(row.samples.max()),
          row.ganeti ? ganetiCell(*row.ganeti) : "-",
          row.ganeti ? ratioCell(*row.ganeti, median) : "-",
          row.goalMs ? goalCell(*row.goalMs, median) : row.goalNote};
}

}  // namespace

void printReport(std::FILE* out, const std::vector<ReportRow>& rows, const std::string& reference,
                 const std::string& ratioTitle) {
  std::vector<Line> lines = {
      {"operation", "runs", "median", "min", "max", reference, ratioTitle, "goal"}};
  for (const auto& row : rows) lines.push_back(cells(row));

  std::vector<std::size_t> widths(lines[0].size(), 0);
  for (const auto& line : lines) {
    // A row that could not run has one long cell, which sets no width.
    if (line.size() != widths.size()) continue;
    for (std::size_t i = 0; i < line.size(); ++i) widths[i] = std::max(widths[i], line[i].size());
  }
  for (const auto& line : lines) {
    std::string text;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const bool leftAligned = i == 0 || i + 1 == line.size() || line.size() != widths.size();
      const int width = static_cast<int>(widths[i]);
      char buffer[512];
      std::snprintf(buffer, sizeof buffer, leftAligned ? "%-*s" : "%*s", width, line[i].c_str());
      text += (i == 0 ? "" : "  ") + std::string(buffer);
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    std::fprintf(out, "%s\n", text.c_str());
  }
}

}  // namespace gantry::bench
