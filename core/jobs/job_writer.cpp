#include "core/jobs/job_writer.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <vector>

namespace gantry::core::jobs {

namespace fs = std::filesystem;

namespace {

// The serial shares the failure map with jobs under an id no job has.
constexpr JobId kSerialKey = -1;

int writeAll(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

// Puts `temp` in place of `target`. Where the filesystem can, the two are
// exchanged: the old content stays behind as `temp`, the spare the next
// write of this file overwrites. Reusing inodes and blocks this way avoids
// a create and a delete per write, which on ext4 cost several times the
// write itself. Returns 0 or errno.
int replaceFile(const fs::path& temp, const fs::path& target) {
  if (::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
    return 0;
  }
  // ENOENT: no target yet (a new job); EINVAL/ENOSYS: no exchange here.
  if (errno != ENOENT && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) {
    return errno;
  }
  return ::rename(temp.c_str(), target.c_str()) == 0 ? 0 : errno;
}

int syncDirectory(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  int rc = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  return rc;
}

}  // namespace

struct JobWriter::Batch {
  std::set<JobId> dirty;
  std::set<JobId> archive;
  std::optional<JobId> serial;
  std::uint64_t seq = 0;
  // Filled by processBatch: what failed.
  std::set<JobId> failed;
  bool serial_failed = false;
  DurableQueueChanges durable;
};

JobWriter::JobWriter(QueueDir dir, Snapshot snapshot, JobWriterOptions options)
    : dir_(std::move(dir)), snapshot_(std::move(snapshot)), options_(std::move(options)) {
  thread_ = std::thread([this] { run(); });
}

JobWriter::~JobWriter() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
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
  std::uint64_t seq;
  {
    std::lock_guard lk(mu_);
    seq = seq_;
  }
  waitDurable(seq, kSerialKey);
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

    processBatch(batch);
    if (options_.durable && !batch.durable.empty()) options_.durable(std::move(batch.durable));

    lk.lock();
    ++batches_;
    for (JobId id : batch.dirty) {
      if (batch.failed.count(id)) {
        failed_[id] = batch.seq;
        // Retried with the next batch: the job's state is still newer
        // than its file.
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
}

void JobWriter::processBatch(Batch& batch) {
  auto log = [&](const std::string& text) {
    if (options_.log) options_.log(sdk::LogLevel::kError, text);
  };
  struct Pending {
    JobId id;
    fs::path temp;
    fs::path target;
    int fd;
    std::string content;  // kept only when the changes are handed on
  };
  std::vector<Pending> files;
  files.reserve(batch.dirty.size() + 1);

  auto openTemp = [&](JobId id, const fs::path& target, const std::string& data) {
    fs::path temp = target;
    temp += ".tmp";
    // The spare left by the previous write is overwritten in place: no new
    // blocks when the size stays about the same.
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    int err = fd < 0 ? errno : writeAll(fd, data);
    if (err == 0 && ::ftruncate(fd, static_cast<off_t>(data.size())) != 0) err = errno;
    if (err != 0) {
      log("Cannot write " + temp.string() + ": " + std::strerror(err));
      if (fd >= 0) ::close(fd);
      ::unlink(temp.c_str());
      return false;
    }
    files.push_back({id, std::move(temp), target, fd,
                     options_.durable ? data : std::string()});
    return true;
  };

  for (JobId id : batch.dirty) {
    std::optional<std::string> content = snapshot_(id);
    if (!content) continue;  // job gone (archived meanwhile)
    if (!openTemp(id, dir_.liveJobFile(id), *content)) batch.failed.insert(id);
  }
  if (batch.serial) {
    if (!openTemp(kSerialKey, dir_.serialFile(), std::to_string(*batch.serial) + "\n")) {
      batch.serial_failed = true;
    }
  }

  // Make the temps durable; concurrent fdatasyncs share journal commits.
  std::vector<int> sync_error(files.size(), 0);
  if (options_.sync && !files.empty()) {
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
      for (std::size_t i; (i = next.fetch_add(1)) < files.size();) {
        if (::fdatasync(files[i].fd) != 0) sync_error[i] = errno;
      }
    };
    std::size_t helpers = std::min<std::size_t>(
        files.size(), static_cast<std::size_t>(std::max(options_.sync_threads, 1))) - 1;
    std::vector<std::thread> threads;
    threads.reserve(helpers);
    for (std::size_t t = 0; t < helpers; ++t) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();
  }

  // A batch whose serial is not durable must not publish new jobs: their
  // ids could be handed out again after a crash.
  bool renamed = false;
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto& f = files[i];
    ::close(f.fd);
    int err = sync_error[i];
    if (err == 0 && batch.serial_failed && f.id != kSerialKey) err = EIO;
    if (err == 0) err = replaceFile(f.temp, f.target);
    if (err != 0) {
      log("Cannot write " + f.target.string() + ": " + std::strerror(err));
      ::unlink(f.temp.c_str());
      if (f.id == kSerialKey) {
        batch.serial_failed = true;
      } else {
        batch.failed.insert(f.id);
      }
      continue;
    }
    renamed = true;
  }

  std::set<fs::path> archive_dirs;
  std::vector<std::pair<JobId, std::pair<std::string, std::string>>> renames;
  for (JobId id : batch.archive) {
    fs::path subdir = dir_.archiveSubdir(id);
    if (::mkdir(subdir.c_str(), 0700) == 0) {
      archive_dirs.insert(dir_.archiveRoot());
    } else if (errno != EEXIST) {
      log("Cannot create " + subdir.string() + ": " + std::strerror(errno));
      batch.failed.insert(id);
      continue;
    }
    fs::path from = dir_.liveJobFile(id);
    fs::path to = dir_.archivedJobFile(id);
    if (::rename(from.c_str(), to.c_str()) != 0) {
      log("Cannot archive " + from.string() + ": " + std::strerror(errno));
      batch.failed.insert(id);
      continue;
    }
    fs::path spare = from;
    spare += ".tmp";
    ::unlink(spare.c_str());  // the job is written no more
    archive_dirs.insert(subdir);
    renamed = true;
    if (options_.durable) {
      renames.push_back({id, {from.lexically_relative(dir_.root()).string(),
                              to.lexically_relative(dir_.root()).string()}});
    }
  }

  if (options_.sync && renamed) {
    archive_dirs.insert(dir_.root());
    for (const auto& d : archive_dirs) {
      if (int err = syncDirectory(d); err != 0) {
        log("Cannot sync directory " + d.string() + ": " + std::strerror(err));
        for (const auto& f : files) {
          if (f.id == kSerialKey) {
            batch.serial_failed = true;
          } else {
            batch.failed.insert(f.id);
          }
        }
        for (JobId id : batch.archive) batch.failed.insert(id);
      }
    }
  }

  if (!options_.durable) return;
  for (auto& f : files) {
    const bool failed = f.id == kSerialKey ? batch.serial_failed : batch.failed.count(f.id) > 0;
    if (!failed) {
      batch.durable.updates.emplace_back(f.target.filename().string(), std::move(f.content));
    }
  }
  for (auto& [id, rename] : renames) {
    if (!batch.failed.count(id)) batch.durable.renames.push_back(std::move(rename));
  }
}

}  // namespace gantry::core::jobs
