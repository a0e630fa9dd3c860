#include "core/jobs/queue_file.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>

#include "core/util/atomic_file.h"

namespace gantry::core::jobs {

namespace fs = std::filesystem;

namespace {

int writeAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

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

}  // namespace

int writeQueueFile(const fs::path& target, std::string_view content) {
  if (int injected = util::injectedFileFault(util::FileStep::kWrite, target)) return injected;
  fs::path temp = target;
  temp += ".tmp";
  // The spare left by the previous write is overwritten in place: no new
  // blocks when the size stays about the same.
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return errno;
  int err = writeAll(fd, content);
  if (err == 0 && ::ftruncate(fd, static_cast<off_t>(content.size())) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0) err = replaceFile(temp, target);
  if (err != 0) ::unlink(temp.c_str());
  return err;
}

}  // namespace gantry::core::jobs
