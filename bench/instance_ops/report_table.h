// The benchmark's result: one row per operation, Gantry's median, min and
// max beside Ganeti 3.0's figure and the ratio Ganeti/Gantry (above 1:
// Gantry is faster), and the goal where the issue sets one.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "samples.h"

namespace gantry::bench {

/// A figure measured with Ganeti 3.0; a range when several runs differed.
struct GanetiFigure {
  double lowMs;
  double highMs;
  std::string condition;  // when it differs from the row's, e.g. "at 100 instances"
};

struct ReportRow {
  std::string operation;
  Samples samples;
  std::optional<GanetiFigure> ganeti;
  std::optional<double> goalMs;
  /// When set, printed instead of the figures (an operation that could not run).
  std::string unavailable;
  /// The goal column when the goal is not a time (e.g. a ratio).
  std::string goalNote;
};

/// `reference` names the comparison column (`ganeti` figures) and `ratio`
/// the column of reference/Gantry.
void printReport(std::FILE* out, const std::vector<ReportRow>& rows,
                 const std::string& reference = "Ganeti 3.0",
                 const std::string& ratio = "Ganeti/Gantry");

}  // namespace gantry::bench
