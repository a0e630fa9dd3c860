// gantry-masterd wiring: config store, lock manager, plugins, job queue
// with its executor, and the client-API socket, all under one root dir.
#pragma once

#include <filesystem>
#include <memory>

namespace gantry::daemon::master {

struct MasterOptions {
  std::filesystem::path root = "/";
  int workers = 20;
  bool sync = true;  // fsync job and config changes (tests may turn it off)
  /// Skip the startup vote (only with yes_do_it, as in Ganeti).
  bool noVoting = false;
  bool yesDoIt = false;
};

/// Exit code of a daemon that is not the master (Ganeti's EXIT_NOTMASTER).
inline constexpr int kExitNotMaster = 11;

/// Runs the master until SIGTERM or SIGINT. Returns the exit code.
int runMasterDaemon(const MasterOptions& options);

/// <root>/var/run/gantry/socket/gantry-query: where clients connect.
std::filesystem::path masterSocketPath(const std::filesystem::path& root);

}  // namespace gantry::daemon::master
