// What the queue asks of whoever executes opcodes (the master daemon's
// logical-unit processor). The queue owns states, timestamps, logs,
// persistence and scheduling; the runner runs one opcode at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/jobs/job_status.h"

namespace gantry::core::jobs {

/// How one opcode ended.
struct OpResult {
  enum class Kind { kSuccess, kError, kCanceled };
  Kind kind = Kind::kSuccess;
  /// kSuccess: the LU's return value. kError: an encoded exception
  /// (["OpPrereqError", [msg, ecode]], ["OpExecError", [msg]], ...).
  nlohmann::json value;

  static OpResult success(nlohmann::json value = nullptr) {
    return {Kind::kSuccess, std::move(value)};
  }
  static OpResult error(nlohmann::json encoded) {
    return {Kind::kError, std::move(encoded)};
  }
  static OpResult canceled() { return {Kind::kCanceled, nullptr}; }
};

/// Services for the opcode being run. Valid only during OpcodeRunner::run,
/// used from the thread that runs it (cancelRequested() and priority() may
/// be read from any thread).
class OpContext {
 public:
  virtual ~OpContext() = default;

  virtual JobId jobId() const = 0;
  /// Index of the opcode within its job (0-based) and the job's size.
  virtual std::size_t opIndex() const = 0;
  virtual std::size_t opCount() const = 0;

  /// The opcode's current priority (changes with ChangeJobPriority).
  virtual int priority() const = 0;
  /// Lock-timeout escalation: stores a new priority (-20..19) in the job.
  virtual void setPriority(int priority) = 0;

  /// Appends one log entry; `type` is "message", "remote-import",
  /// "jqueue-test" or "delay-test". Written lazily (with the next durable
  /// change); waiters of the job see it at once.
  virtual void feedback(std::string_view type, nlohmann::json message) = 0;
  void feedback(std::string message) { feedback("message", std::move(message)); }
  /// Several "message" entries in one update (Ganeti's message-list).
  virtual void feedbackList(const std::vector<std::string>& messages) = 0;

  /// True once cancellation was requested: while waiting for locks always;
  /// while running only if the opcode declared itself cancellable.
  virtual bool cancelRequested() const = 0;
  /// Blocks until cancellation is requested (true) or `timeout` passes
  /// (false): an interruptible wait for cancellable opcodes.
  virtual bool waitCancelRequested(std::chrono::milliseconds timeout) = 0;
  /// Locks are held: waiting -> running (sets exec_timestamp, written
  /// durably). Returns false if the job was canceled meanwhile: the runner
  /// must then release its locks and return OpResult::canceled().
  virtual bool markRunning() = 0;
  /// running -> waiting again (a prerequisite said "retry later").
  virtual void markWaiting() = 0;
  /// A running opcode that can stop early (e.g. an interruptible delay)
  /// declares so; CancelJob on it is then passed on via cancelRequested().
  virtual void setCancellable(bool cancellable) = 0;

  /// Submits jobs on behalf of this opcode (LU-generated jobs). Child
  /// opcodes inherit debug_level, priority (if unset) and the reason trail
  /// (after their own) and get comment "Submitted by <OP_ID>" unless set.
  /// Relative depends refer to jobs of this call. Returns
  /// [[true, id] | [false, "error"], ...]; throws JobQueueError (drained,
  /// full) like SubmitManyJobs.
  virtual nlohmann::json submitJobs(
      const std::vector<std::vector<nlohmann::json>>& jobs) = 0;
};

/// Executes opcodes. run() is called from worker threads, several at once
/// for different jobs. A thrown JobQueueError becomes its encoded error;
/// any other std::exception becomes ["OpExecError", [what()]].
class OpcodeRunner {
 public:
  virtual ~OpcodeRunner() = default;
  virtual OpResult run(const nlohmann::json& opcode, OpContext& ctx) = 0;
};

}  // namespace gantry::core::jobs
