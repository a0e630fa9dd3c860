#include "core/jobs/queue_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "core/jobs/job_errors.h"

namespace gantry::core::jobs {

namespace fs = std::filesystem;

namespace {
constexpr std::string_view kJobPrefix = "job-";
constexpr JobId kJobsPerArchiveDir = 10000;
}  // namespace

fs::path QueueDir::liveJobFile(JobId id) const {
  return root_ / ("job-" + std::to_string(id));
}

fs::path QueueDir::archiveSubdir(JobId id) const {
  return archiveRoot() / std::to_string(id / kJobsPerArchiveDir);
}

fs::path QueueDir::archivedJobFile(JobId id) const {
  return archiveSubdir(id) / ("job-" + std::to_string(id));
}

std::optional<JobId> QueueDir::parseJobFileName(std::string_view name) {
  if (name.size() <= kJobPrefix.size() || name.substr(0, kJobPrefix.size()) != kJobPrefix) {
    return std::nullopt;
  }
  std::string_view digits = name.substr(kJobPrefix.size());
  // Ids are written without leading zeros; anything else is not ours.
  if (digits.size() > 18 || (digits.size() > 1 && digits[0] == '0')) return std::nullopt;
  JobId id = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + (c - '0');
  }
  return id;
}

std::vector<JobId> QueueDir::scanJobIds(const fs::path& dir) {
  std::vector<JobId> ids;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (auto id = parseJobFileName(it->path().filename().string())) ids.push_back(*id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<JobId> QueueDir::archivedJobIds() const {
  std::vector<JobId> ids;
  std::error_code ec;
  for (fs::directory_iterator it(archiveRoot(), ec), end; !ec && it != end;
       it.increment(ec)) {
    std::error_code dir_ec;
    if (!it->is_directory(dir_ec)) continue;
    auto part = scanJobIds(it->path());
    ids.insert(ids.end(), part.begin(), part.end());
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

QueueLock::QueueLock(const fs::path& lock_file) {
  fd_ = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    throw QueueLockedError("Cannot open job queue lock " + lock_file.string() +
                           ": " + std::strerror(errno));
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK) {
      throw QueueLockedError("Job queue " + lock_file.parent_path().string() +
                             " is locked by another process");
    }
    throw QueueLockedError("Cannot lock " + lock_file.string() + ": " +
                           std::strerror(err));
  }
}

QueueLock::~QueueLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace gantry::core::jobs
