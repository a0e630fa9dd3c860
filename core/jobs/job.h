// The job model: a job is an ordered list of queued opcodes, each with its
// own status, result, log and timestamps. The job's status is derived from
// its opcodes (never stored), exactly as Ganeti derives it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/jobs/job_status.h"

namespace gantry::core::jobs {

/// Seconds and microseconds since the epoch; JSON [sec, usec].
struct Timestamp {
  std::int64_t sec = 0;
  std::int64_t usec = 0;

  static Timestamp now();
  /// sec * 10^9 + usec * 1000, the reason trail's unit.
  std::int64_t nanoseconds() const { return sec * 1000000000 + usec * 1000; }
  friend bool operator==(const Timestamp&, const Timestamp&) = default;
  friend auto operator<=>(const Timestamp&, const Timestamp&) = default;
};
using OptTimestamp = std::optional<Timestamp>;

/// [sec, usec] or null.
nlohmann::json timestampJson(const OptTimestamp& ts);

/// One log line: [serial, [sec, usec], type, message]. The serial is
/// per job and grows across all opcodes of the job, starting at 1.
struct LogEntry {
  std::int64_t serial = 0;
  Timestamp time;
  std::string type = "message";  // message, remote-import, jqueue-test, delay-test
  nlohmann::json message;

  nlohmann::json toJson() const;
  friend bool operator==(const LogEntry&, const LogEntry&) = default;
};

struct QueuedOpcode {
  nlohmann::json input;  // the submitted opcode, verbatim
  OpStatus status = OpStatus::kQueued;
  nlohmann::json result;  // LU result; on error an encoded exception
  std::vector<LogEntry> log;
  int priority = kPriorityDefault;
  OptTimestamp start_timestamp;  // left queued (before locks)
  OptTimestamp exec_timestamp;   // locks held, running
  OptTimestamp end_timestamp;

  friend bool operator==(const QueuedOpcode&, const QueuedOpcode&) = default;
};

struct Job {
  JobId id = 0;
  std::vector<QueuedOpcode> ops;
  OptTimestamp received_timestamp;
  OptTimestamp start_timestamp;
  OptTimestamp end_timestamp;

  /// Ganeti's rule: scan opcodes in order; error/canceling/canceled decide
  /// at once; waiting/running become the current result; all success ->
  /// success; otherwise the result (queued when nothing started).
  OpStatus status() const;
  /// Lowest priority number among unfinalized opcodes; default 0 when all
  /// are finalized.
  int priority() const;
  bool started() const { return status() > OpStatus::kQueued; }
  bool finalized() const { return isFinalized(status()); }

  /// Highest log serial so far (0 when there is none).
  std::int64_t lastLogSerial() const;
  /// Log entries of all opcodes with serial > `after` (all if nullopt).
  std::vector<LogEntry> logsAfter(std::optional<std::int64_t> after) const;

  /// Index of the first opcode that is not finalized, or ops.size().
  std::size_t nextOpcodeIndex() const;
  /// Sets every unfinalized opcode to `status` with `result` (Ganeti's
  /// MarkUnfinishedOps); `end` (if given) becomes their end timestamp.
  void markUnfinishedOps(OpStatus status, const nlohmann::json& result,
                         const OptTimestamp& end);

  friend bool operator==(const Job&, const Job&) = default;
};

/// Job status of a list of opcode statuses (the rule of Job::status()).
OpStatus jobStatusFromOpcodes(const std::vector<OpStatus>& statuses);

}  // namespace gantry::core::jobs
