// The durable config store: config.data (Ganeti's layout) plus an
// append-only journal of the changes made since it was last written.
//
// A commit appends one small checksummed record to the journal and syncs
// it, so its cost follows the size of the change, not of the cluster. Open
// loads config.data and replays the journal records that are newer than
// it. When the journal outgrows `compact_ratio` times config.data, the
// store compacts: it starts a new journal segment, copies the document
// (the only moment commits wait, a memory copy), and writes config.data in
// the background while commits go on into the new segment; the old
// segments are removed once the new config.data is durable. A full write
// every ~(config size / record size) commits keeps the amortised cost per
// commit constant. flush() writes config.data synchronously for callers
// that need an up-to-date file (distribution to master candidates).
//
// Files in the directory: config.data, config.data.journal.<serial> (the
// serial the segment continues), config.data.lock (held with flock while a
// store is open, so one process at a time writes).
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/config/journal.h"
#include "core/config/store_change.h"
#include "core/config/store_error.h"

namespace gantry::core::config {

struct ConfigStoreOptions {
  /// Compact once the journal is larger than this many times config.data...
  double compact_ratio = 1.0;
  /// ...and larger than this (small clusters would compact too often).
  std::uint64_t compact_min_bytes = 1u << 20;
  /// Write the compacted config.data on a background thread (else inside
  /// the commit that crossed the threshold, after its record is durable).
  bool background_compaction = true;
  /// Mode of config.data and of the journal segments.
  mode_t file_mode = 0640;
};

/// One config document, its files, and the lock that serialises changes.
/// All methods are thread-safe.
class ConfigStore {
 public:
  static constexpr std::int64_t kSupportedVersion = 3010000;  // Ganeti 3.1
  static constexpr const char* kFileName = "config.data";

  /// Loads `dir`/config.data and replays its journal. Throws
  /// ConfigStoreError if the file is missing, torn or not JSON, has another
  /// version than 3.1 ("configuration version 2.10 is not supported"), if
  /// the journal does not continue it, or if another store has it open.
  static std::unique_ptr<ConfigStore> open(const std::filesystem::path& dir,
                                           ConfigStoreOptions options = {});

  /// Writes `document` as a new `dir`/config.data (creating `dir` if
  /// needed; refused if config.data exists), then opens it. The document
  /// must carry "version" 3010000 and an integer "serial_no".
  static std::unique_ptr<ConfigStore> create(const std::filesystem::path& dir,
                                             const nlohmann::json& document,
                                             ConfigStoreOptions options = {});

  /// Waits for a running compaction. Every commit is already durable.
  ~ConfigStore();
  ConfigStore(const ConfigStore&) = delete;
  ConfigStore& operator=(const ConfigStore&) = delete;

  // --- Reading -------------------------------------------------------------

  /// Calls `reader` with the document under the store's lock: cheap for
  /// large clusters, but `reader` must not call back into the store.
  void read(const std::function<void(const nlohmann::json&)>& reader) const;
  /// A copy of the value at a JSON pointer ("" for all of it; that copy is
  /// costly on large clusters). Throws ConfigStoreError (kNotFound).
  nlohmann::json get(std::string_view pointer) const;
  /// The whole document as it is now, read-only and shared: one copy per
  /// serial however many readers take it, so a query on a large cluster
  /// costs no copy while nothing changes, and holds no lock while it reads.
  std::shared_ptr<const nlohmann::json> document() const;
  /// The top-level serial_no.
  std::int64_t serial() const;

  // --- Writing -------------------------------------------------------------

  /// Applies `change` all-or-nothing, bumps the top-level serial_no and sets
  /// mtime (float epoch seconds), and makes it durable before returning the
  /// new serial. A change that alters nothing is not written and returns
  /// the current serial. Throws ConfigStoreError for a bad change or a
  /// foreign modification of config.data, util::FileWriteError if the
  /// journal cannot be written (the document is then unchanged).
  std::int64_t commit(const StoreChange& change);
  /// Like commit, with the change computed from the current document under
  /// the same lock (read-modify-write without a race). `make_change` may
  /// throw to abort; it must not call back into the store.
  std::int64_t commitWith(
      const std::function<StoreChange(const nlohmann::json&)>& make_change);

  /// Makes config.data hold every commit (no write if it already does).
  void flush();
  /// Rewrites config.data in full and starts a new journal, even if nothing
  /// changed.
  void snapshot();
  /// Returns once no background compaction is queued or running.
  void waitForCompaction();

  struct Stats {
    std::int64_t serial = 0;
    std::int64_t snapshot_serial = 0;   // serial of config.data on disk
    std::uint64_t snapshot_bytes = 0;
    std::uint64_t journal_bytes = 0;    // all segments still needed
    std::uint64_t snapshots_written = 0;
    std::string last_compaction_error;  // empty after a good compaction
  };
  Stats stats() const;

  const std::filesystem::path& directory() const noexcept { return dir_; }
  std::filesystem::path configPath() const { return dir_ / kFileName; }

 private:
  enum class SnapshotReason { kCompaction, kFlush, kForce };

  struct FileIdentity {
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = 0;
    std::int64_t mtime_ns = 0;
    bool operator==(const FileIdentity&) const = default;
  };

  ConfigStore(std::filesystem::path dir, ConfigStoreOptions options);
  void load();
  void replayJournal();
  std::int64_t commitLocked(const StoreChange& change);
  void writeSnapshot(SnapshotReason reason);
  void rotateJournalLocked();
  void dropSegmentsBeforeLocked(std::int64_t serial);
  void checkNotForeignLocked();
  bool compactionDueLocked() const;
  void workerLoop();
  std::optional<FileIdentity> configIdentity() const;

  const std::filesystem::path dir_;
  const ConfigStoreOptions options_;
  int lock_fd_ = -1;

  mutable std::mutex mutex_;  // guards everything below
  nlohmann::json doc_;
  mutable std::shared_ptr<const nlohmann::json> shared_doc_;  // doc_ at shared_serial_
  mutable std::int64_t shared_serial_ = -1;
  std::int64_t serial_ = 0;
  double mtime_ = 0;
  FileIdentity snapshot_identity_;
  std::int64_t snapshot_serial_ = 0;
  std::uint64_t snapshot_bytes_ = 0;
  std::uint64_t snapshots_written_ = 0;
  bool snapshot_writing_ = false;  // our own rename may change the identity
  bool foreign_ = false;
  std::optional<JournalWriter> active_;
  JournalBase active_base_;
  std::map<std::int64_t, std::uint64_t> segment_bytes_;  // base -> size
  std::uint64_t journal_bytes_ = 0;
  std::uint64_t retry_at_bytes_ = 0;  // back-off after a failed compaction
  std::string last_compaction_error_;
  bool compaction_requested_ = false;
  bool compaction_running_ = false;
  bool stop_ = false;
  std::condition_variable work_cv_;
  std::condition_variable idle_cv_;

  std::mutex snapshot_mutex_;  // one writer of config.data at a time
  std::thread worker_;
};

/// "3.1" for 3010000, "2.10" for 2100000, "2.16.1" for 2160001.
std::string formatConfigVersion(std::int64_t version);

}  // namespace gantry::core::config
