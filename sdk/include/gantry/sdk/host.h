// Services the core lends to a plugin. A plugin never links the core: it
// logs, runs commands and finds its directories through this interface.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/sdk/result.h"
#include "gantry/sdk/visibility.h"

namespace gantry::sdk {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

/// Where a node keeps its state. Every path is under the node's root
/// directory, so several nodes can share one host (a virtual cluster).
struct HostPaths {
  std::filesystem::path root;               // "/" on a real node
  std::filesystem::path dataDir;            // <root>/var/lib/gantry
  std::filesystem::path runDir;             // <root>/var/run/gantry
  std::filesystem::path logDir;             // <root>/var/log/gantry
  std::filesystem::path fileStorageDir;     // <root>/srv/gantry/file-storage
  std::filesystem::path sharedFileStorageDir;
  std::vector<std::filesystem::path> osSearchPath;
  std::vector<std::filesystem::path> extStorageSearchPath;
};

/// One external command: an argv vector, never a shell line.
struct ProcessRequest {
  std::vector<std::string> argv;            // argv[0] is the program
  std::map<std::string, std::string> env;   // the whole environment
  bool inheritEnv = false;                  // add the daemon's environment
  std::optional<std::filesystem::path> cwd;
  std::string stdinData;                    // fed to stdin, then closed
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  std::optional<std::filesystem::path> outputFile;  // append stdout+stderr
  // Added in ABI 2.0: files in place of pipes, for streaming scripts.
  std::optional<std::filesystem::path> stdinFile;   // stdin read from it
  std::optional<std::filesystem::path> stdoutFile;  // stdout written to it
  std::map<int, std::filesystem::path> writeFds;    // fd (>= 3) -> file written
};

struct ProcessResult {
  int exitCode = -1;     // valid when signal == 0
  int signal = 0;        // the signal that ended it, 0 if it exited
  bool timedOut = false;
  std::string out;       // captured stdout (empty with outputFile)
  std::string err;       // captured stderr (empty with outputFile)

  bool succeeded() const { return !timedOut && signal == 0 && exitCode == 0; }
  /// "exited with exit code N" / "terminated by signal N" (Ganeti's words).
  GANTRY_SDK_API std::string failReason() const;
};

/// Implemented by the core; one per daemon, safe to call from any thread.
class GANTRY_SDK_API Host {
 public:
  virtual ~Host() = default;

  /// Writes one line to the daemon's log (and to the job log while a job
  /// calls the plugin).
  virtual void log(LogLevel level, std::string_view message) = 0;

  virtual const HostPaths& paths() const = 0;

  /// Runs a command and waits for it. An error means it could not be run
  /// (not found, timeout): a non-zero exit is a ProcessResult, not an error.
  virtual Result<ProcessResult> runProcess(const ProcessRequest& request) = 0;

  /// A setting for plugins, e.g. "fake.memory" = "32G" from the node daemon's
  /// command line (`--fake-memory 32G`). nullopt when not set.
  virtual std::optional<std::string> setting(std::string_view key) const = 0;
};

}  // namespace gantry::sdk
