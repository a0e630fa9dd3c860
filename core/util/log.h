// Daemon log lines and job feedback lines, in the shapes Ganeti's tools
// print:
//   daemon log:  "Mon Oct 26 04:06:52 2009 - INFO: text"
//   job log:     "Mon Oct 26 04:06:53 2009 * creating instance disks..."
//                "Mon Oct 26 04:06:52 2009  - INFO: Selected nodes ..."
// The formatters are pure functions of (time, level, text); Logger adds the
// clock, the sinks and the locking.
#pragma once

#include <atomic>
#include <ctime>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "gantry/sdk/host.h"
#include "gantry/sdk/result.h"

namespace gantry::core::util {

using LogLevel = sdk::LogLevel;

/// "DEBUG", "INFO", "WARNING", "ERROR".
const char* logLevelName(LogLevel level) noexcept;

/// Python's time.ctime(t) in local time (TZ): "Mon Oct 26 04:06:52 2009",
/// the day of month padded with a space ("Thu Oct  1 ..."). English names
/// whatever the C locale.
std::string formatCtime(std::time_t t);

/// One daemon log line without the newline: "<ctime> - <LEVEL>: <text>".
/// Each line of a multi-line text gets the same prefix, joined with '\n'.
std::string formatLogLine(std::time_t t, LogLevel level, std::string_view text);

// ---- job feedback ----------------------------------------------------------
// A logical unit's feedback is stored in the job as a message; the client
// prints "<ctime> <message>". The message shapes are Ganeti's (mcpu.py).

enum class FeedbackKind {
  kPlain,    // "text"                   ("adding instance x to cluster config")
  kStep,     // "* text"                 ("* creating instance disks...")
  kInfo,     // " - INFO: text"          (LogInfo)
  kWarning,  // " - WARNING: text"       (LogWarning)
  kHint,     // "      Hint: text"       (LogWarning's hint, its own line)
};

/// The stored message for a kind of feedback, e.g. " - INFO: text".
std::string feedbackMessage(FeedbackKind kind, std::string_view text);

/// LogStep's message: "STEP 1/6 Check device existence".
std::string stepMessage(int current, int total, std::string_view text);

/// Ganeti's SafeEncode, applied by the client before printing a message:
/// tab, newline -> "\t", "\n"; carriage return -> "\'r" (sic, Ganeti's);
/// other control bytes and DEL -> "\xNN"; non-ASCII UTF-8 -> "\xNN",
/// "\uNNNN" or "\UNNNNNNNN" by code point; invalid UTF-8 bytes -> "\xNN".
std::string safeEncode(std::string_view text);

/// What the client prints for one job log entry: "<ctime> <safeEncode(msg)>".
std::string formatJobLogLine(std::time_t t, std::string_view message);

/// formatJobLogLine(t, feedbackMessage(kind, text)):
///   (t, kStep, "creating instance disks...")
///     -> "Mon Oct 26 04:06:53 2009 * creating instance disks..."
///   (t, kInfo, "Node will be a master candidate")
///     -> "Mon Oct 26 02:11:54 2009  - INFO: Node will be a master candidate"
std::string formatFeedbackLine(std::time_t t, FeedbackKind kind,
                               std::string_view text);

// ---- logger ----------------------------------------------------------------

struct LoggerOptions {
  /// Appended to (created 0640 if missing); nullopt: no file.
  std::optional<std::filesystem::path> file;
  /// Also written here (e.g. &std::cerr); nullptr: nowhere else.
  std::ostream* stream = nullptr;
  /// Lines below this level are dropped.
  LogLevel minLevel = LogLevel::kInfo;
  /// Seconds since the epoch; defaults to the system clock. Tests pin it.
  std::function<std::time_t()> clock;
};

/// A line-oriented logger. Safe to call from any thread: each line is
/// written whole (one write(2) to an O_APPEND file), lines never interleave.
class Logger {
 public:
  /// Opens the file if one is given; an open failure is an error
  /// (kEnvironment) naming the file.
  static sdk::Result<std::unique_ptr<Logger>> create(LoggerOptions options);

  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  void log(LogLevel level, std::string_view text);
  void debug(std::string_view text) { log(LogLevel::kDebug, text); }
  void info(std::string_view text) { log(LogLevel::kInfo, text); }
  void warning(std::string_view text) { log(LogLevel::kWarning, text); }
  void error(std::string_view text) { log(LogLevel::kError, text); }

  bool enabled(LogLevel level) const noexcept;
  void setMinLevel(LogLevel level) noexcept;

  /// Closes and reopens the file (after log rotation moved it away).
  sdk::Result<void> reopen();

 private:
  explicit Logger(LoggerOptions options);
  sdk::Result<void> openFile();

  std::mutex mutex_;  // guards fd_ and the writes
  LoggerOptions options_;
  std::atomic<LogLevel> minLevel_;
  int fd_ = -1;
};

}  // namespace gantry::core::util
