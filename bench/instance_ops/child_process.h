// Runs one program to completion and times it: the wall time the caller
// sees, from spawn to reaped exit, on a steady clock.
#pragma once

#include <string>
#include <vector>

namespace gantry::bench {

struct ProcessResult {
  int exitCode = 0;  // 128 + signal number when killed by a signal
  std::string out;
  std::string err;
  double elapsedMs = 0;
};

/// Runs argv[0] (a path) with argv, the caller's environment plus `setEnv`
/// ("NAME=value", replacing any variable of that name), stdin from
/// /dev/null. Output goes to memory files, read after the exit, so a large
/// output never blocks the child and reading it is not timed.
ProcessResult runProcess(const std::vector<std::string>& argv,
                         const std::vector<std::string>& setEnv = {});

/// "prog arg1 arg2" for messages.
std::string commandLine(const std::vector<std::string>& argv);

}  // namespace gantry::bench
