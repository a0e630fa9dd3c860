#include "core/jobs/job_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "core/jobs/queue_file.h"
#include "core/util/atomic_file.h"

namespace gantry::core::jobs {

namespace fs = std::filesystem;

namespace {

// The serial shares the failure map with jobs under an id no job has.
constexpr JobId kSerialKey = -1;

}  // namespace

struct JobWriter::Batch {
  std::set<JobId> dirty;
  std::set<JobId> archive;
  std::optional<JobId> serial;
  std::uint64_t seq = 0;
  // Filled while the batch is written: what failed (not durable) ...
  std::set<JobId> failed;
  bool serial_failed = false;
  // ... and, with a journal, what is durable but whose file could not be
  // written (retried).
  std::set<JobId> unwritten;
  bool serial_unwritten = false;

  void fail(JobId id) {
    if (id == kSerialKey) {
      serial_failed = true;
    } else {
      failed.insert(id);
    }
  }
};

// A batch's changes by file name relative to the queue directory, with
// the job each one belongs to (kSerialKey for the serial).
struct JobWriter::Staged {
  DurableQueueChanges changes;
  std::vector<JobId> update_ids;  // parallel to changes.updates
  std::vector<JobId> rename_ids;  // parallel to changes.renames
  std::vector<bool> moved;        // parallel to changes.renames
  std::vector<bool> written;      // parallel to changes.updates
};

JobWriter::JobWriter(QueueDir dir, Snapshot snapshot, JobWriterOptions options)
    : dir_(std::move(dir)), snapshot_(std::move(snapshot)), options_(std::move(options)) {
  if (options_.sync) {
    journal_ = std::make_unique<QueueJournal>(dir_, options_.journal_segment_bytes);
  }
  thread_ = std::thread([this] { run(); });
}

JobWriter::~JobWriter() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (journal_ && !keep_journal_) {
    try {
      journal_->close();
    } catch (const util::FileWriteError& e) {
      // The segments stay; the next start replays them.
      if (options_.log) options_.log(sdk::LogLevel::kError, e.what());
    }
  }
}

std::uint64_t JobWriter::markDirty(JobId id, bool urgent) {
  std::lock_guard lk(mu_);
  dirty_.insert(id);
  if (urgent) {
    urgent_ = true;
    work_cv_.notify_one();
  } else if (!lazy_since_) {
    lazy_since_ = std::chrono::steady_clock::now();
    work_cv_.notify_one();
  }
  return ++seq_;
}

std::uint64_t JobWriter::setSerial(JobId last_id) {
  std::lock_guard lk(mu_);
  serial_ = last_id;
  urgent_ = true;
  work_cv_.notify_one();
  return ++seq_;
}

std::uint64_t JobWriter::archive(JobId id) {
  std::lock_guard lk(mu_);
  archive_.insert(id);
  urgent_ = true;
  work_cv_.notify_one();
  return ++seq_;
}

bool JobWriter::waitDurable(std::uint64_t seq, JobId id) {
  std::unique_lock lk(mu_);
  if (durable_seq_ < seq) {
    urgent_ = true;  // a lazy change someone now waits for
    work_cv_.notify_one();
  }
  durable_cv_.wait(lk, [&] { return durable_seq_ >= seq; });
  if (serial_failed_seq_ >= seq) return false;
  auto it = failed_.find(id);
  return it == failed_.end() || it->second < seq;
}

void JobWriter::flush() {
  std::unique_lock lk(mu_);
  const std::uint64_t seq = seq_;
  if (written_seq_ < seq) {
    urgent_ = true;
    work_cv_.notify_one();
  }
  durable_cv_.wait(lk, [&] { return written_seq_ >= seq; });
}

std::uint64_t JobWriter::batchCount() const {
  std::lock_guard lk(mu_);
  return batches_;
}

void JobWriter::run() {
  std::unique_lock lk(mu_);
  for (;;) {
    bool pending = !dirty_.empty() || !archive_.empty() || serial_;
    if (!pending && stop_) return;
    if (!pending) {
      work_cv_.wait(lk);
      continue;
    }
    if (!urgent_ && !stop_) {
      auto deadline = *lazy_since_ + options_.lazy_delay;
      if (std::chrono::steady_clock::now() < deadline) {
        work_cv_.wait_until(lk, deadline);
        continue;
      }
    }
    Batch batch;
    batch.dirty.swap(dirty_);
    batch.archive.swap(archive_);
    batch.serial = serial_;
    serial_.reset();
    batch.seq = seq_;
    urgent_ = false;
    lazy_since_.reset();
    lk.unlock();

    // With a journal the batch is durable once appended: waiters go on
    // while the files are written. Without one, only once written.
    Staged staged = stageBatch(batch);
    if (journal_) {
      handOn(batch, staged);
      lk.lock();
      publish(batch);
      lk.unlock();
    }
    writeFiles(batch, staged);
    if (!journal_) handOn(batch, staged);
    if (journal_ && journal_->checkpointDue()) {
      try {
        journal_->checkpoint();
      } catch (const util::FileWriteError& e) {
        // The journal stays complete in its current segment.
        if (options_.log) options_.log(sdk::LogLevel::kError, e.what());
      }
    }

    lk.lock();
    ++batches_;
    if (!journal_) publish(batch);
    if (stop_ && (!batch.unwritten.empty() || batch.serial_unwritten)) {
      // No more retries when stopping: the journal stays for the next
      // start to replay.
      keep_journal_ = true;
    } else {
      for (JobId id : batch.unwritten) {
        // Durable in the journal, but its file is behind: written again
        // with the next batch.
        if (dirty_.insert(id).second && !lazy_since_) {
          lazy_since_ = std::chrono::steady_clock::now();
        }
      }
      if (batch.serial_unwritten && !serial_) serial_ = batch.serial;
    }
    written_seq_ = batch.seq;
    durable_cv_.notify_all();
  }
}

void JobWriter::publish(Batch& batch) {
  for (JobId id : batch.dirty) {
    if (batch.failed.count(id)) {
      failed_[id] = batch.seq;
      // Retried with the next batch: the job's state is still newer
      // than what is durable.
      if (dirty_.insert(id).second && !lazy_since_) {
        lazy_since_ = std::chrono::steady_clock::now();
      }
    } else {
      failed_.erase(id);
    }
  }
  for (JobId id : batch.archive) {
    if (batch.failed.count(id)) failed_[id] = batch.seq;
  }
  if (batch.serial_failed) {
    serial_failed_seq_ = batch.seq;
    if (!serial_) serial_ = batch.serial;
  }
  durable_seq_ = batch.seq;
  durable_cv_.notify_all();
}

JobWriter::Staged JobWriter::stageBatch(Batch& batch) {
  Staged staged;
  DurableQueueChanges& changes = staged.changes;
  for (JobId id : batch.dirty) {
    std::optional<std::string> content = snapshot_(id);
    if (!content) continue;  // job gone (archived meanwhile)
    changes.updates.emplace_back(dir_.liveJobFile(id).filename().string(), std::move(*content));
    staged.update_ids.push_back(id);
  }
  if (batch.serial) {
    changes.updates.emplace_back(dir_.serialFile().filename().string(),
                                 std::to_string(*batch.serial) + "\n");
    staged.update_ids.push_back(kSerialKey);
  }
  for (JobId id : batch.archive) {
    changes.renames.emplace_back(
        dir_.liveJobFile(id).lexically_relative(dir_.root()).string(),
        dir_.archivedJobFile(id).lexically_relative(dir_.root()).string());
    staged.rename_ids.push_back(id);
  }
  if (changes.empty()) return staged;

  // One append and one sync make the whole batch durable.
  if (journal_) {
    try {
      journal_->append(changes);
    } catch (const util::FileWriteError& e) {
      logError(e.what());
      for (JobId id : staged.update_ids) batch.fail(id);
      for (JobId id : staged.rename_ids) batch.fail(id);
      staged.changes = {};
      staged.update_ids.clear();
      staged.rename_ids.clear();
      return staged;
    }
  }

  // Archive moves happen before anyone is told: a reader then finds the
  // job in the archive. Every earlier write of these jobs is done (the
  // writer is one thread), and archived jobs have no update here.
  staged.moved.assign(staged.rename_ids.size(), false);
  for (std::size_t i = 0; i < staged.rename_ids.size(); ++i) {
    const JobId id = staged.rename_ids[i];
    fs::path subdir = dir_.archiveSubdir(id);
    if (::mkdir(subdir.c_str(), 0700) != 0 && errno != EEXIST) {
      logError("Cannot create " + subdir.string() + ": " + std::strerror(errno));
      batch.fail(id);
      continue;
    }
    fs::path from = dir_.liveJobFile(id);
    fs::path to = dir_.archivedJobFile(id);
    if (::rename(from.c_str(), to.c_str()) != 0) {
      logError("Cannot archive " + from.string() + ": " + std::strerror(errno));
      batch.fail(id);
      continue;
    }
    fs::path spare = from;
    spare += ".tmp";
    ::unlink(spare.c_str());  // the job is written no more
    staged.moved[i] = true;
  }
  return staged;
}

void JobWriter::writeFiles(Batch& batch, Staged& staged) {
  DurableQueueChanges& changes = staged.changes;
  std::vector<bool> written(staged.update_ids.size(), false);
  for (std::size_t i = 0; i < changes.updates.size(); ++i) {
    const fs::path target = dir_.root() / changes.updates[i].first;
    if (int err = writeQueueFile(target, changes.updates[i].second); err != 0) {
      logError("Cannot write " + target.string() + ": " + std::strerror(err));
      const JobId id = staged.update_ids[i];
      if (journal_) {
        // Durable all the same; only the file lags.
        if (id == kSerialKey) {
          batch.serial_unwritten = true;
        } else {
          batch.unwritten.insert(id);
        }
      } else {
        batch.fail(id);
      }
      continue;
    }
    written[i] = true;
  }

  staged.written = std::move(written);
}

void JobWriter::handOn(const Batch& batch, const Staged& staged) {
  if (!options_.durable) return;
  DurableQueueChanges durable;
  // A batch whose serial failed must not publish new jobs: their ids could
  // be handed out again.
  const auto& changes = staged.changes;
  for (std::size_t i = 0; i < changes.updates.size(); ++i) {
    const JobId id = staged.update_ids[i];
    bool ok = journal_ ? !batch.failed.count(id) : staged.written[i];
    if (id != kSerialKey && batch.serial_failed) ok = false;
    if (ok) durable.updates.push_back(changes.updates[i]);
  }
  for (std::size_t i = 0; i < changes.renames.size(); ++i) {
    if (staged.moved[i]) durable.renames.push_back(changes.renames[i]);
  }
  if (!durable.empty()) options_.durable(std::move(durable));
}

void JobWriter::logError(const std::string& text) const {
  if (options_.log) options_.log(sdk::LogLevel::kError, text);
}

}  // namespace gantry::core::jobs
