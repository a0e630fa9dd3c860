#include "core/util/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <mutex>
#include <random>
#include <system_error>
#include <utility>

namespace gantry::core::util {

namespace {

// The hook is read on every step of every durable write; the flag keeps
// that a single relaxed load when no test installed one.
std::atomic<bool> g_hook_installed{false};
std::mutex g_hook_mutex;
std::shared_ptr<const FileFaultHook> g_hook;

std::string errnoText(int error_number) {
  return std::generic_category().message(error_number);
}

std::string randomSuffix() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx",
                static_cast<unsigned long long>(engine()));
  return buf;
}

std::filesystem::path directoryOf(const std::filesystem::path& path) {
  auto dir = path.parent_path();
  return dir.empty() ? std::filesystem::path(".") : dir;
}

// Runs a step: first the injected fault, then the real call (which returns
// -1 and sets errno on failure). Returns 0 or the errno of the failure.
template <typename Call>
int runStep(FileStep step, const std::filesystem::path& target, Call&& call) {
  if (int injected = injectedFileFault(step, target)) return injected;
  while (true) {
    if (call() >= 0) return 0;
    if (errno != EINTR) return errno;
  }
}

}  // namespace

const char* fileStepName(FileStep step) noexcept {
  switch (step) {
    case FileStep::kOpen: return "open";
    case FileStep::kWrite: return "write";
    case FileStep::kFsync: return "fsync";
    case FileStep::kRename: return "rename";
    case FileStep::kDirSync: return "dirsync";
  }
  return "unknown";
}

FileWriteError::FileWriteError(std::string_view action,
                               std::filesystem::path path, FileStep step,
                               int error_number)
    : std::runtime_error(std::string(action) + " " + path.string() + ": " +
                         fileStepName(step) + " failed: " +
                         errnoText(error_number)),
      path_(std::move(path)),
      step_(step),
      error_number_(error_number) {}

std::string atomicWriteLeftoverPrefix(const std::filesystem::path& path) {
  // Built by appending: GCC 12 warns (wrongly) about `"." + std::string`.
  std::string prefix(1, '.');
  prefix.append(path.filename().string()).push_back('.');
  return prefix;
}

void fsyncDirectory(const std::filesystem::path& dir) {
  int fd = -1;
  int err = runStep(FileStep::kDirSync, dir, [&] {
    fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return fd;
  });
  if (err == 0) {
    err = runStep(FileStep::kDirSync, dir, [&] { return ::fsync(fd); });
  }
  if (fd >= 0) ::close(fd);
  if (err != 0) throw FileWriteError("Cannot sync directory", dir,
                                     FileStep::kDirSync, err);
}

void atomicWriteFile(const std::filesystem::path& path, std::string_view data,
                     mode_t mode) {
  const auto dir = directoryOf(path);
  const std::string prefix = atomicWriteLeftoverPrefix(path);
  std::filesystem::path temp;
  int fd = -1;

  auto fail = [&](FileStep step, int err) {
    if (fd >= 0) ::close(fd);
    if (!temp.empty()) ::unlink(temp.c_str());
    throw FileWriteError("Cannot write", path, step, err);
  };

  // open: O_EXCL on a fresh random name, created with `mode` itself so a
  // secret is never readable by others, not even for an instant.
  int err = runStep(FileStep::kOpen, path, [&] {
    for (int attempt = 0; attempt < 100; ++attempt) {
      temp = dir / (prefix + "tmp-" + randomSuffix());
      fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
      if (fd >= 0 || errno != EEXIST) break;
    }
    if (fd < 0) temp.clear();  // nothing was created
    return fd;
  });
  if (err != 0) fail(FileStep::kOpen, err);
  // The umask may have narrowed `mode`; set exactly what was asked for. This
  // never widens beyond `mode`, and the file has no final name yet.
  err = runStep(FileStep::kOpen, path, [&] { return ::fchmod(fd, mode); });
  if (err != 0) fail(FileStep::kOpen, err);

  // write: the whole buffer, in as many calls as the kernel wants.
  const char* cursor = data.data();
  std::size_t left = data.size();
  do {
    ssize_t written = 0;
    err = runStep(FileStep::kWrite, path, [&] {
      written = ::write(fd, cursor, left);
      return written;
    });
    if (err == 0 && written == 0 && left > 0) err = EIO;
    if (err != 0) fail(FileStep::kWrite, err);
    cursor += written;
    left -= static_cast<std::size_t>(written);
  } while (left > 0);

  // fsync, then close: a close error (delayed write-back on some file
  // systems) means the data may not be there, so it fails this step too.
  err = runStep(FileStep::kFsync, path, [&] { return ::fsync(fd); });
  if (err != 0) fail(FileStep::kFsync, err);
  int close_result = ::close(fd);
  int close_errno = errno;
  fd = -1;
  if (close_result != 0 && close_errno != EINTR) {
    fail(FileStep::kFsync, close_errno);
  }

  // A hard link to the old file lets a failed directory fsync put it back.
  // Where links are impossible (no old file, a file system without them)
  // the write goes on without that safety net.
  const std::filesystem::path backup = dir / (prefix + "old-" + randomSuffix());
  const bool had_old = ::access(path.c_str(), F_OK) == 0;
  const bool have_backup = had_old && ::link(path.c_str(), backup.c_str()) == 0;

  err = runStep(FileStep::kRename, path,
                [&] { return ::rename(temp.c_str(), path.c_str()); });
  if (err != 0) {
    if (have_backup) ::unlink(backup.c_str());
    fail(FileStep::kRename, err);
  }
  temp.clear();  // it is `path` now

  int dir_fd = -1;
  err = runStep(FileStep::kDirSync, path, [&] {
    dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return dir_fd;
  });
  if (err == 0) {
    err = runStep(FileStep::kDirSync, path, [&] { return ::fsync(dir_fd); });
  }
  if (dir_fd >= 0) ::close(dir_fd);
  if (err != 0) {
    if (have_backup) {
      ::rename(backup.c_str(), path.c_str());
    } else if (!had_old) {
      ::unlink(path.c_str());
    }
    fail(FileStep::kDirSync, err);
  }
  if (have_backup) ::unlink(backup.c_str());
}

ScopedFileFaultHook::ScopedFileFaultHook(FileFaultHook hook) {
  std::lock_guard lock(g_hook_mutex);
  if (g_hook) previous_ = *g_hook;
  g_hook = hook ? std::make_shared<const FileFaultHook>(std::move(hook))
                : nullptr;
  g_hook_installed.store(g_hook != nullptr);
}

ScopedFileFaultHook::~ScopedFileFaultHook() {
  std::lock_guard lock(g_hook_mutex);
  g_hook = previous_ ? std::make_shared<const FileFaultHook>(
                           std::move(previous_))
                     : nullptr;
  g_hook_installed.store(g_hook != nullptr);
}

int injectedFileFault(FileStep step, const std::filesystem::path& target) {
  if (!g_hook_installed.load(std::memory_order_relaxed)) return 0;
  std::shared_ptr<const FileFaultHook> hook;
  {
    std::lock_guard lock(g_hook_mutex);
    hook = g_hook;
  }
  return hook ? (*hook)(step, target) : 0;
}

}  // namespace gantry::core::util
