// The job queue's write-ahead journal. A batch of job-file changes (new
// contents, archive moves, the serial) is one checksummed line appended to
// the active segment and made durable by a single fdatasync, however many
// jobs it touches; the files themselves are then replaced without a sync
// of their own. Once the segment has grown past its limit, a checkpoint
// syncs the filesystem (the files are then durable by themselves) and
// switches to the other segment. A clean stop checkpoints and removes both.
//
// Segments have fixed names, journal-0 and journal-1 (the header says
// which is newer), so that a node receiving a master's copy of the queue
// can drop a stale journal of its own with two unlinks.
//
// After a crash, replayQueueJournal() re-applies every record, oldest
// first, before the queue reads its directory: the files then say what the
// journal made durable, whatever reached the disk before the crash.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/jobs/queue_dir.h"
#include "core/util/json_journal.h"
#include "gantry/sdk/host.h"

namespace gantry::core::jobs {

using DaemonLogFn = std::function<void(sdk::LogLevel, const std::string&)>;

/// A batch of queue-file changes, named relative to the queue directory
/// as the node procedures jobqueue_update ("job-<id>", "serial") and
/// jobqueue_rename ("job-<id>" -> "archive/<n>/job-<id>") name them.
struct DurableQueueChanges {
  std::vector<std::pair<std::string, std::string>> updates;  // name, content
  std::vector<std::pair<std::string, std::string>> renames;  // from, to
  bool empty() const { return updates.empty() && renames.empty(); }
};

class QueueJournal {
 public:
  /// Starts a fresh segment in `dir` (after replayQueueJournal has run).
  /// Throws util::FileWriteError.
  QueueJournal(QueueDir dir, std::uint64_t segment_limit);
  QueueJournal(const QueueJournal&) = delete;
  QueueJournal& operator=(const QueueJournal&) = delete;

  /// Appends the batch and syncs it. Throws util::FileWriteError; the
  /// segment is then as it was before.
  void append(const DurableQueueChanges& changes);
  /// The active segment has outgrown its limit.
  bool checkpointDue() const { return writer_.size() >= segment_limit_; }
  /// Makes every file write so far durable (syncfs) and continues in the
  /// other segment. Throws util::FileWriteError; the journal then stays
  /// in the current segment and is still complete.
  void checkpoint();
  /// Checkpoints and removes both segments: the directory then stands on
  /// its own. Throws util::FileWriteError (the segments then remain).
  void close();

  static std::filesystem::path segmentPath(const QueueDir& dir, int index);

 private:
  QueueDir dir_;
  std::uint64_t segment_limit_;
  std::uint64_t generation_ = 0;
  util::JournalWriter writer_;
};

/// Re-applies the journal segments left in `dir` by a queue that did not
/// stop cleanly, oldest first, durably; then removes them. A damaged
/// record is logged and ends its segment. Returns the number of records
/// applied.
std::size_t replayQueueJournal(const QueueDir& dir, const DaemonLogFn& log);

/// Removes the journal segments in `queue_root` (a copy of another
/// master's queue supersedes them). Returns whether any existed.
bool discardQueueJournal(const std::filesystem::path& queue_root);

}  // namespace gantry::core::jobs
