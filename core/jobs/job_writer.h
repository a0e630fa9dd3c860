// Group commit of job files. Callers mark jobs dirty; one writer thread
// takes everything marked so far as one batch: each job is serialised once
// (its latest state), the whole batch is appended to the queue journal and
// made durable with one fdatasync (queue_journal.h), then every file is
// replaced atomically (queue_file.h). A caller that needs durability waits
// for the batch holding its change.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
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

#include "core/jobs/job_status.h"
#include "core/jobs/queue_dir.h"
#include "core/jobs/queue_journal.h"
#include "gantry/sdk/host.h"

namespace gantry::core::jobs {

/// Receives what one batch made durable; the master copies it to its
/// candidates.
using QueueChangesFn = std::function<void(DurableQueueChanges)>;

struct JobWriterOptions {
  /// Journal every batch (durable). Off only where durability is not
  /// wanted (throw-away test queues).
  bool sync = true;
  /// Size at which the journal checkpoints and starts its other segment.
  std::uint64_t journal_segment_bytes = 8u << 20;
  /// How long a change nobody waits for (a log line) may stay unwritten
  /// when no durable change comes along to carry it.
  std::chrono::milliseconds lazy_delay{200};
  DaemonLogFn log;
  /// Called from the writer thread after each batch with what it made
  /// durable (optional). Must not block: it hands the changes on.
  QueueChangesFn durable;
};

class JobWriter {
 public:
  /// The current file content of a job, nullopt if it no longer exists.
  /// Called from the writer thread, without the writer's lock held.
  using Snapshot = std::function<std::optional<std::string>(JobId)>;

  JobWriter(QueueDir dir, Snapshot snapshot, JobWriterOptions options);
  /// Writes whatever is pending, then stops.
  ~JobWriter();
  JobWriter(const JobWriter&) = delete;
  JobWriter& operator=(const JobWriter&) = delete;

  /// The job's state changed. Returns a ticket for waitDurable(). With
  /// `urgent` false the write may wait up to lazy_delay for company.
  std::uint64_t markDirty(JobId id, bool urgent = true);
  /// The serial file must say `last_id` (written in the next batch).
  std::uint64_t setSerial(JobId last_id);
  /// Moves job-<id> to archive/<id/10000>/job-<id> in the next batch
  /// (after any pending write of that job).
  std::uint64_t archive(JobId id);

  /// Blocks until the batch holding ticket `seq` is on disk. False if the
  /// write of `id` (or the archive move / serial of that batch) failed.
  bool waitDurable(std::uint64_t seq, JobId id);
  /// Everything marked before this call is durable and in its file (or
  /// failed).
  void flush();
  /// Number of batches written (statistics, tests).
  std::uint64_t batchCount() const;

 private:
  struct Batch;
  struct Staged;
  void run();
  /// Serialises the batch, journals it and does its archive moves.
  Staged stageBatch(Batch& batch);
  /// Lets the waiters of the batch go (caller holds mu_).
  void publish(Batch& batch);
  /// Replaces the files of the batch.
  void writeFiles(Batch& batch, Staged& staged);
  /// Gives the durable part of the batch to options_.durable.
  void handOn(const Batch& batch, const Staged& staged);
  void logError(const std::string& text) const;

  QueueDir dir_;
  Snapshot snapshot_;
  JobWriterOptions options_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable durable_cv_;
  std::set<JobId> dirty_;
  std::set<JobId> archive_;
  std::optional<JobId> serial_;
  bool urgent_ = false;
  std::optional<std::chrono::steady_clock::time_point> lazy_since_;
  std::uint64_t seq_ = 0;
  std::uint64_t durable_seq_ = 0;
  std::uint64_t written_seq_ = 0;  // batches whose files are written too
  std::uint64_t batches_ = 0;
  std::map<JobId, std::uint64_t> failed_;  // id -> ticket of the failed batch
  std::uint64_t serial_failed_seq_ = 0;
  bool stop_ = false;
  bool keep_journal_ = false;  // some file is behind its journal record
  std::unique_ptr<QueueJournal> journal_;  // null without sync
  std::thread thread_;
};

}  // namespace gantry::core::jobs
