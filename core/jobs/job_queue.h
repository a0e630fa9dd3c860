// The job queue of the master daemon: accepts jobs, keeps every state
// change on disk (queue/job-<id>, group-committed), schedules jobs by
// priority and dependencies onto a pool of worker threads that run their
// opcodes through an OpcodeRunner, and answers queries and waiters.
//
// Crash safety: a job id is handed out only once the serial file and the
// job file are durable; a job's start is durable before its first opcode
// runs; its final state is durable before waiters, dependants or archiving
// see it. On open, queued jobs run again and jobs that had started fail.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/jobs/job.h"
#include "core/jobs/job_errors.h"
#include "core/jobs/job_query.h"
#include "core/jobs/job_writer.h"
#include "core/jobs/op_runner.h"
#include "core/jobs/queue_dir.h"

namespace gantry::core::jobs {

/// Checks one submitted opcode; throws to refuse the whole submission (the
/// exception reaches the submitter unchanged).
using OpcodeValidator = std::function<void(const nlohmann::json& opcode)>;

struct JobQueueOptions {
  std::filesystem::path dir;  // the queue directory (created if missing)
  int workers = 20;           // jobs running at once
  /// Live (unarchived) jobs, finalized ones included, as Ganeti counts;
  /// a submission beyond it fails with JobQueueFull.
  std::size_t max_jobs = 5000;
  OpcodeValidator validate;  // optional
  SummaryFn summary;         // optional; default defaultOpcodeSummary
  DaemonLogFn log;           // optional daemon log
  bool sync = true;          // see JobWriterOptions
  std::uint64_t journal_segment_bytes = 8u << 20;  // see JobWriterOptions
  std::chrono::milliseconds lazy_write_delay{200};
  /// Told what each write batch made durable (see JobWriterOptions).
  QueueChangesFn durable;
  /// How long CancelJob waits for a waiting job to notice (Ganeti: 44 s).
  std::chrono::milliseconds cancel_timeout{44000};
  /// WaitForJobChange never waits longer (Ganeti: 89 s).
  std::chrono::milliseconds max_wait{89000};
};

struct SubmitResult {
  bool ok = false;
  JobId id = 0;       // when ok
  std::string error;  // when not ok
};
/// [[true, id] | [false, "error"], ...] as SubmitManyJobs answers.
nlohmann::json submitResultsJson(const std::vector<SubmitResult>& results);

/// [bool, message] answers (CancelJob, ChangeJobPriority).
struct QueueAnswer {
  bool ok = false;
  std::string message;
  nlohmann::json toJson() const { return nlohmann::json::array({ok, message}); }
};

struct JobSnapshot {
  Job job;
  bool archived = false;
};

/// WaitForJobChange's answer: [field values], [new log entries].
struct JobChange {
  nlohmann::json info;
  nlohmann::json logs;
  nlohmann::json toJson() const { return nlohmann::json::array({info, logs}); }
};

class JobQueue {
 public:
  /// Opens (creating if needed) and locks the queue directory, removes
  /// left-over temp files, recovers the jobs found (queued: kept; started
  /// but unfinished: failed) and makes that durable. Jobs do not run
  /// before start(). Throws QueueLockedError if another owner holds the
  /// lock, std::runtime_error on unusable directories.
  explicit JobQueue(JobQueueOptions options);
  /// shutdown().
  ~JobQueue();
  JobQueue(const JobQueue&) = delete;
  JobQueue& operator=(const JobQueue&) = delete;

  /// Starts the workers. `runner` must outlive the queue (or shutdown()).
  void start(OpcodeRunner& runner);
  /// Stops taking jobs, lets running jobs finish, writes everything and
  /// releases the lock. Jobs waiting on dependencies stay as they are.
  void shutdown();

  // ---- submission ----------------------------------------------------------
  /// One job; returns its id once durable. Errors (JobQueueError):
  /// ["GenericError", ["Queue drained"]], ["JobQueueFull", []],
  /// ["GenericError", ["A job needs at least one opcode"]]; the validator's
  /// exception as it is.
  JobId submit(const std::vector<nlohmann::json>& ops);
  /// Like submit() but ignores the drain flag.
  JobId submitToDrainedQueue(const std::vector<nlohmann::json>& ops);
  /// Several jobs with consecutive ids; relative depends become absolute.
  /// Drained, full or invalid input fails the whole call (throws).
  std::vector<SubmitResult> submitMany(const std::vector<std::vector<nlohmann::json>>& jobs);

  // ---- control -------------------------------------------------------------
  /// Ganeti's answers: [true, "Dequeued job 5"], [true, "Job successfully
  /// cancelled"], [false, "Job exited before it could have been canceled,
  /// status <s>"], [false, "Job could not be canceled, status <s>"],
  /// [false, "Job no longer waiting, can't cancel (informed it anyway)"],
  /// [false, "Job 5 not found in queue"]. A running opcode is canceled
  /// only if it declared itself cancellable, or with `kill`: then it is
  /// asked to stop at its next interruption point (a lock wait, a delay, a
  /// node call) whatever it declared. Otherwise the job's remaining
  /// opcodes are canceled once it finishes.
  QueueAnswer cancel(JobId id, bool kill = false);
  /// [true, "Priorities of pending opcodes for job 7 have been changed to
  /// 10"], [false, "Job 7 not found in queue"], [false, "Job 7 is
  /// cancelling"], [false, "Job 7 had no pending opcodes"].
  QueueAnswer changePriority(JobId id, int priority);
  /// Moves a finalized live job to the archive; false otherwise.
  bool archive(JobId id);
  /// Archives finalized jobs older than `age` seconds (by end, else start,
  /// else received time; age < 0: all finalized jobs), in id order, until
  /// `timeout` passes. Returns {archived, unchecked}.
  std::pair<int, int> autoArchive(std::int64_t age_seconds, std::chrono::milliseconds timeout);
  void setDrainFlag(bool drained);
  bool drained() const;

  // ---- queries -------------------------------------------------------------
  /// QueryJobs: `ids` nullopt or empty = all live jobs in id order (plus
  /// archived ones if "archived" is among the fields); otherwise one row
  /// per distinct id in the given order, unknown ids as [id, null, ...].
  /// Unknown field -> JobQueueError ["OpPrereqError", ["Unknown output
  /// fields selected: a, b", "wrong_input"]].
  nlohmann::json queryJobs(const std::optional<std::vector<JobId>>& ids,
                           const std::vector<std::string>& fields) const;
  /// A live or archived job, nullopt if unknown.
  std::optional<JobSnapshot> getJob(JobId id) const;
  /// Live job ids (and archived ones if asked), ascending.
  std::vector<JobId> jobIds(bool include_archived) const;
  /// Field value with the queue's summary function.
  nlohmann::json fieldValue(const JobSnapshot& job, std::string_view field) const;

  /// WaitForJobChange: returns as soon as the field values differ from
  /// `prev_info` or log entries newer than `prev_log_serial` exist (at
  /// once for finalized jobs), else after `timeout` (capped at max_wait)
  /// with the unchanged values. Unknown fields make every value null.
  /// Throws JobQueueError JobLost for unknown or archived jobs.
  JobChange waitForChange(JobId id, const std::vector<std::string>& fields,
                          const nlohmann::json& prev_info,
                          std::optional<std::int64_t> prev_log_serial,
                          std::chrono::milliseconds timeout);

  JobId lastJobId() const;
  std::size_t liveJobCount() const;
  const QueueDir& dir() const { return dir_; }
  /// Everything changed so far is durable and in its job file (the
  /// files may otherwise lag a little behind the journal).
  void flush();

 private:
  struct Entry;
  class Context;
  using EntryPtr = std::shared_ptr<Entry>;

  void recover();
  JobId submitOne(const std::vector<nlohmann::json>& ops, bool check_drain);
  std::vector<SubmitResult> submitJobs(const std::vector<std::vector<nlohmann::json>>& jobs,
                                       bool check_drain);
  void validateJob(const std::vector<nlohmann::json>& ops) const;
  Job buildJob(JobId id, const std::vector<nlohmann::json>& ops, const Timestamp& now) const;

  // Executor (job_executor.cpp). Functions taking `lk` hold mu_.
  void workerLoop();
  void processJob(const EntryPtr& e, std::unique_lock<std::mutex>& lk);
  bool checkDependencies(const EntryPtr& e, std::size_t index, std::unique_lock<std::mutex>& lk);
  void applyResult(const EntryPtr& e, std::size_t index, OpResult result,
                   std::unique_lock<std::mutex>& lk);
  void finishCanceled(const EntryPtr& e, std::size_t index, std::unique_lock<std::mutex>& lk);
  void finishError(const EntryPtr& e, std::size_t index, const nlohmann::json& result,
                   std::unique_lock<std::mutex>& lk);
  void finalize(const EntryPtr& e, std::unique_lock<std::mutex>& lk);
  void settle(const EntryPtr& e);
  void pushReady(const EntryPtr& e);
  void removeReady(const EntryPtr& e);
  void touch(Entry& e);
  std::optional<OpStatus> dependencyStatus(JobId id) const;
  void daemonLog(sdk::LogLevel level, const std::string& text) const;

  std::optional<std::string> snapshotForWriter(JobId id);
  std::optional<Job> loadArchived(JobId id) const;

  JobQueueOptions options_;
  QueueDir dir_;
  std::unique_ptr<QueueLock> lock_;

  mutable std::mutex mu_;
  std::map<JobId, EntryPtr> jobs_;
  std::set<std::pair<int, JobId>> ready_;  // (priority, id)
  std::map<JobId, std::vector<JobId>> dep_waiters_;
  std::condition_variable work_cv_;
  JobId last_id_ = 0;
  bool stopping_ = false;
  bool started_ = false;
  OpcodeRunner* runner_ = nullptr;
  std::vector<std::thread> workers_;

  std::unique_ptr<JobWriter> writer_;  // last member: stops first
};

}  // namespace gantry::core::jobs
