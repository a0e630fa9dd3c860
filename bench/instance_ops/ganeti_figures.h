// Ganeti 3.0 on this kind of machine (2 cores), fake hypervisor, as
// quoted in the issue that asked for this benchmark; and the goals.
#pragma once

#include "report_table.h"

namespace gantry::bench {

// Add of a started fake instance with a 1 GiB file disk.
inline const GanetiFigure kGanetiAdd{760, 1060, ""};
inline const GanetiFigure kGanetiRemove{540, 640, ""};
inline const GanetiFigure kGanetiLiveMigrate{1140, 1140, ""};
inline const GanetiFigure kGanetiFailover{930, 930, ""};

// `gnt-instance list`, measured at 100 instances only: beside a list of
// more instances the ratio is a lower bound, and the row says so.
inline GanetiFigure ganetiListFigure(int instances) {
  return {220, 220, instances == 100 ? "" : "at 100 instances"};
}

constexpr double kGoalAddMs = 50;
constexpr double kGoalListMs = 5;

}  // namespace gantry::bench
