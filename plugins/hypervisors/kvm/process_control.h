// Looking at and ending qemu processes through /proc and signals. qemu runs
// daemonized, so it is not our child: its end is seen in /proc, not waitpid.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace gantry::plugins::kvm {

/// The pid in a pid file; nullopt when missing or not a number.
std::optional<pid_t> readPidFile(const std::filesystem::path& pidFile);
/// Alive and not a zombie.
bool processAlive(pid_t pid);
/// /proc/<pid>/cmdline split at NULs; empty when the process is gone.
std::vector<std::string> processCmdline(pid_t pid);
/// The pid from `pidFile` if that process is alive and is the qemu that
/// wrote this pid file (its argv names it), so a recycled pid or another
/// node's qemu is never mistaken for ours.
std::optional<pid_t> runningQemu(const std::filesystem::path& pidFile);
/// Polls until the process is gone or `timeout` passed; true when gone.
bool waitForExit(pid_t pid, std::chrono::milliseconds timeout);
/// Sends `signal`, then waits up to `timeout` for the end.
bool signalAndWait(pid_t pid, int signal, std::chrono::milliseconds timeout);
/// User plus system CPU time of the process, seconds.
double processCpuSeconds(pid_t pid);
/// Resident memory of the process, MiB.
std::int64_t processRssMiB(pid_t pid);

}  // namespace gantry::plugins::kvm
