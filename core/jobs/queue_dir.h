// The on-disk layout of a job queue directory:
//   serial                  last used job id + "\n"
//   version                 "1\n"
//   lock                    flock()ed exclusively by the owner
//   drain                   exists => submissions refused
//   job-<id>                live jobs
//   job-<id>.tmp, serial.tmp  spares for the next write (never read as jobs)
//   journal-0, journal-1    write-ahead journal (queue_journal.h); only
//                           after a crash does a start find one to replay
//   archive/<id/10000>/job-<id>
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "core/jobs/job_status.h"

namespace gantry::core::jobs {

class QueueDir {
 public:
  explicit QueueDir(std::filesystem::path root) : root_(std::move(root)) {}

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path serialFile() const { return root_ / "serial"; }
  std::filesystem::path versionFile() const { return root_ / "version"; }
  std::filesystem::path lockFile() const { return root_ / "lock"; }
  std::filesystem::path drainFile() const { return root_ / "drain"; }
  std::filesystem::path archiveRoot() const { return root_ / "archive"; }
  std::filesystem::path liveJobFile(JobId id) const;
  std::filesystem::path archivedJobFile(JobId id) const;
  std::filesystem::path archiveSubdir(JobId id) const;

  /// Id of a job file name: "job-12" -> 12; temp names, "job-" and
  /// anything else -> nullopt.
  static std::optional<JobId> parseJobFileName(std::string_view name);

  /// Ids of job-<id> files in `dir`, ascending.
  static std::vector<JobId> scanJobIds(const std::filesystem::path& dir);
  /// Ids of live jobs, ascending.
  std::vector<JobId> liveJobIds() const { return scanJobIds(root_); }
  /// Ids of archived jobs, ascending.
  std::vector<JobId> archivedJobIds() const;

 private:
  std::filesystem::path root_;
};

/// Holds the queue's lock file (flock, exclusive, non-blocking) for its
/// lifetime. Throws QueueLockedError if someone else holds it.
class QueueLock {
 public:
  explicit QueueLock(const std::filesystem::path& lock_file);
  ~QueueLock();
  QueueLock(const QueueLock&) = delete;
  QueueLock& operator=(const QueueLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace gantry::core::jobs
