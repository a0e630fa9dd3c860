// Ctrl-C (or a SIGTERM/SIGHUP) during a run must not leave the virtual
// cluster's daemons behind: their shell started them in the background, so
// they ignore the terminal's SIGINT and would outlive the benchmark.
#pragma once

#include <string>
#include <vector>

namespace gantry::bench {

/// From now on a SIGINT, SIGTERM or SIGHUP runs `commands` one after the
/// other (prepared here, as the handler may only fork, exec and wait),
/// then ends the process.
void runOnFatalSignal(const std::vector<std::vector<std::string>>& commands);
/// Back to the default action (once the cluster is down).
void clearFatalSignalCommand();

}  // namespace gantry::bench
