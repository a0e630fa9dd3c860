// Running external commands: an argv vector (never a shell), its own
// process group, both output streams captured or appended to a file, and a
// timeout that takes down the whole group.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/sdk/host.h"
#include "gantry/sdk/result.h"

namespace gantry::core::util {

/// The environment the command gets.
enum class EnvMode {
  kInherit,  // the daemon's environment as it is; `env` is ignored
  kReplace,  // exactly `env`
  kMerge,    // the daemon's, then LC_ALL=C (as Ganeti's RunCmd), then `env`
};

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0]: a path, or a name looked up in PATH
  EnvMode envMode = EnvMode::kInherit;
  std::map<std::string, std::string> env;
  std::optional<std::filesystem::path> cwd;  // nullopt: the daemon's
  /// Written to the command's stdin, which is then closed. Empty: stdin is
  /// an empty pipe (EOF at once).
  std::string stdinData;
  /// nullopt: wait as long as it takes. On expiry the process group gets
  /// SIGTERM, and SIGKILL after `killGrace`.
  std::optional<std::chrono::milliseconds> timeout;
  std::chrono::milliseconds killGrace{std::chrono::seconds(5)};
  /// Append stdout and stderr to this file (created 0640) instead of
  /// capturing them.
  std::optional<std::filesystem::path> outputFile;
  /// The command reads this file as its stdin (stdinData is then unused).
  std::optional<std::filesystem::path> stdinFile;
  /// The command's stdout goes to this file (created 0600 or truncated);
  /// stderr still goes to outputFile, or is captured.
  std::optional<std::filesystem::path> stdoutFile;
  /// More descriptors for the command: number (3 and up) -> a file created
  /// (0600) or truncated for it to write, as Ganeti's EXP_SIZE_FD=3.
  std::map<int, std::filesystem::path> writeFds;
};

using ProcessResult = sdk::ProcessResult;

/// Runs a command and waits for it (and for its output streams to close, or
/// to stay quiet for a moment after the command itself has exited, so a
/// background grandchild holding them cannot block the caller).
///
/// A program is looked up in the command's own PATH, else the daemon's. The
/// child starts in a new process group with default signal dispositions, an
/// empty signal mask and only fds 0, 1 and 2 open.
///
/// Errors (the command did not run): kInvalid for an empty argv;
/// kEnvironment "Can't execute '<cmd>': not found (No such file or
/// directory)" for a missing program, and "Can't execute '<cmd>': <reason>"
/// for a missing cwd, unopenable output file, or failed spawn. A non-zero
/// exit, a signal or a timeout are results, not errors.
///
/// Thread-safe: any number of threads may run commands at once. It relies on
/// no other code reaping children with waitpid(-1) and on SIGCHLD not being
/// ignored.
sdk::Result<ProcessResult> runProcess(const ProcessSpec& spec);

/// The plugin Host's runner: `inheritEnv` means EnvMode::kMerge, else
/// kReplace; a timeout <= 0 means none. "Could not be run" errors are as
/// above; a timeout is also an error (as sdk::Host documents), kEnvironment
/// with describeFailure's text. A non-zero exit or a signal is a result.
sdk::Result<sdk::ProcessResult> runProcess(const sdk::ProcessRequest& request);

/// The command as one line for messages (Ganeti's ShellQuoteArgs: arguments
/// outside [-.,=:/_+@A-Za-z0-9] are single-quoted). For display only; it is
/// never run by a shell.
std::string formatCommand(const std::vector<std::string>& argv);

/// "5s", "1500ms".
std::string formatDuration(std::chrono::milliseconds duration);

/// Why a command failed, in Ganeti's words: "exited with exit code 1",
/// "terminated by signal 9", or "timed out after 5s" when `result.timedOut`
/// (`timeout` is the limit that was set). Empty if it succeeded.
std::string exitReason(const ProcessResult& result,
                       std::optional<std::chrono::milliseconds> timeout = {});

/// The last `count` lines of `text` (a trailing newline does not start a
/// new line); the result keeps its inner newlines and has no trailing one.
std::string lastLines(std::string_view text, std::size_t count);

/// The last `count` lines of a file; empty if it cannot be read.
std::string lastFileLines(const std::filesystem::path& file, std::size_t count);

/// A message for a failed command:
///   "Command '<cmd>' failed (<reason>), last lines of output:\n<lines>"
/// With an output file: "..., last lines in the log file:\n<lines>". Without
/// any output the message ends after the closing parenthesis.
std::string describeFailure(const ProcessSpec& spec, const ProcessResult& result,
                            std::size_t tailLines = 20);

}  // namespace gantry::core::util
