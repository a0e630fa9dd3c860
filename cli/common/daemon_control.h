// Starting and stopping the daemons of a root from a tool: the binaries
// are found next to the tool's own executable, started detached with an
// argv vector (never a shell), and stopped by the PID in their pid file.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "gantry/sdk/result.h"

namespace gantry::cli {

/// <directory of /proc/self/exe>/<name>.
std::filesystem::path siblingBinary(const std::string& name);

/// Forks, starts a new session and execs `argv` with stdin/stdout/stderr on
/// /dev/null; the daemon is not a child of the caller afterwards.
sdk::Result<void> startDetached(const std::vector<std::string>& argv);

/// SIGTERM to the PID in `pidFile`, then waits up to `limit` for it to go.
/// kNotFound when there is no pid file or no such process.
sdk::Result<void> stopByPidFile(const std::filesystem::path& pidFile,
                                std::chrono::milliseconds limit = std::chrono::seconds(15));

}  // namespace gantry::cli
