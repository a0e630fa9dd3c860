#include "process_control.h"

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace gantry::plugins::kvm {
namespace {

std::string readProc(pid_t pid, const char* what) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/" + what, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Fields of /proc/<pid>/stat after the command name (which may hold
// spaces and parentheses, so split after its last ')').
std::vector<std::string> statFields(pid_t pid) {
  const std::string stat = readProc(pid, "stat");
  const std::size_t close = stat.rfind(')');
  std::vector<std::string> fields;
  if (close == std::string::npos) return fields;
  std::istringstream in(stat.substr(close + 1));
  std::string field;
  while (in >> field) fields.push_back(field);
  return fields;
}

}  // namespace

std::optional<pid_t> readPidFile(const std::filesystem::path& pidFile) {
  std::ifstream in(pidFile);
  long pid = 0;
  if (!(in >> pid) || pid <= 0) return std::nullopt;
  return static_cast<pid_t>(pid);
}

bool processAlive(pid_t pid) {
  if (pid <= 0 || ::kill(pid, 0) != 0) return false;
  const auto fields = statFields(pid);
  // fields[0] is the state; a zombie has ended, it only waits to be reaped.
  return !fields.empty() && fields[0] != "Z" && fields[0] != "X";
}

std::vector<std::string> processCmdline(pid_t pid) {
  const std::string raw = readProc(pid, "cmdline");
  std::vector<std::string> args;
  std::size_t start = 0;
  while (start < raw.size()) {
    std::size_t end = raw.find('\0', start);
    if (end == std::string::npos) end = raw.size();
    args.push_back(raw.substr(start, end - start));
    start = end + 1;
  }
  return args;
}

std::optional<pid_t> runningQemu(const std::filesystem::path& pidFile) {
  const auto pid = readPidFile(pidFile);
  if (!pid || !processAlive(*pid)) return std::nullopt;
  const auto args = processCmdline(*pid);
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "-pidfile" && args[i + 1] == pidFile.string()) return pid;
  }
  return std::nullopt;
}

bool waitForExit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (processAlive(pid)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

bool signalAndWait(pid_t pid, int signal, std::chrono::milliseconds timeout) {
  if (!processAlive(pid)) return true;
  ::kill(pid, signal);
  return waitForExit(pid, timeout);
}

double processCpuSeconds(pid_t pid) {
  const auto fields = statFields(pid);
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name.
  if (fields.size() < 14) return 0;
  const double ticks = std::stod(fields[11]) + std::stod(fields[12]);
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::int64_t processRssMiB(pid_t pid) {
  std::istringstream in(readProc(pid, "statm"));
  long long size = 0, resident = 0;
  if (!(in >> size >> resident)) return 0;
  return resident * ::sysconf(_SC_PAGESIZE) / (1024 * 1024);
}

}  // namespace gantry::plugins::kvm
