#include "file_storage.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <optional>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace gantry::plugins::file {
namespace {

namespace fs = std::filesystem;
using sdk::Error;
using sdk::ErrorCode;

constexpr std::int64_t kMiB = 1024 * 1024;

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

std::string capitalized(std::string text) {
  if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') {
    text[0] = static_cast<char>(text[0] - 'a' + 'A');
  }
  return text;
}

// Ganeti's "<path>: can't <verb>: <reason>".
Error cannot(const fs::path& path, const char* verb, const std::string& why) {
  return {ErrorCode::kEnvironment, path.string() + ": can't " + verb + ": " + why};
}

Error noSuchFile(const fs::path& path) {
  return {ErrorCode::kNotFound, path.string() + ": No such file"};
}

Error deviceMissing(const fs::path& path) {
  return {ErrorCode::kNotFound, "File device " + quoted(path) + " does not exist"};
}

sdk::DeviceInfo deviceOf(const fs::path& path) {
  sdk::DeviceInfo info;
  info.devicePath = path;
  return info;
}

}  // namespace

FileStorage::FileStorage(sdk::Host* host, const FileStorageFlavor& flavor)
    : host_(host), flavor_(flavor) {
  if (host_ == nullptr) throw std::invalid_argument("FileStorage needs a host");
  storageDir_ = (host_->paths().*flavor_.dir).lexically_normal();
  // "/srv/x/" -> "/srv/x", so that it compares equal to a file's parent.
  if (!storageDir_.has_filename() && storageDir_ != storageDir_.root_path()) {
    storageDir_ = storageDir_.parent_path();
  }
}

sdk::Result<void> FileStorage::checkParameters(const sdk::ParamMap& params) const {
  // The file template has no diskparams at all (Ganeti's ForceDictType text).
  if (!params.empty()) {
    return Error{ErrorCode::kInvalid, "Unknown parameter '" + params.begin()->first + "'"};
  }
  return sdk::ok();
}

sdk::Result<FileLocation> FileStorage::locate(
    const std::vector<std::string>& logicalId) const {
  return resolveLogicalId(logicalId, storageDir_, flavor_.label);
}

sdk::Result<bool> FileStorage::fileExists(const fs::path& path) const {
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return false;
    return Error{ErrorCode::kEnvironment,
                 "Cannot inspect " + quoted(path) + ": " + std::strerror(errno)};
  }
  if (!S_ISREG(st.st_mode)) {
    return Error{ErrorCode::kEnvironment, quoted(path) + " is not a regular file"};
  }
  return true;
}

void FileStorage::removeEmptyParent(const fs::path& file) {
  const fs::path dir = file.parent_path();
  if (dir == storageDir_) return;
  // Fails while other disks of the instance are still there: that is fine.
  if (::rmdir(dir.c_str()) == 0) {
    host_->log(sdk::LogLevel::kDebug, "Removed empty directory " + quoted(dir));
  }
}

// --- lifecycle -------------------------------------------------------------

sdk::Result<sdk::DeviceInfo> FileStorage::create(const sdk::DiskSpec& disk) {
  auto loc = locate(disk.logicalId);
  if (!loc) return std::move(loc).error();
  const fs::path& path = loc->path;
  if (disk.exclusiveStorage) {
    return Error{ErrorCode::kInvalid, capitalized(flavor_.label) +
                                          " does not support exclusive storage"};
  }
  if (disk.sizeMiB <= 0) {
    return Error{ErrorCode::kInvalid, "Invalid size " + std::to_string(disk.sizeMiB) +
                                          " MiB for " + quoted(path) +
                                          ": must be more than 0"};
  }
  std::lock_guard lock(mutex_);
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return cannot(path, "create", ec.message());
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                        0660);
  if (fd < 0) {
    if (errno == EEXIST) {
      return Error{ErrorCode::kExists, "File already existing: " + path.string()};
    }
    return cannot(path, "create", std::strerror(errno));
  }
  // ftruncate leaves a hole: the file takes no space until written.
  if (::ftruncate(fd, static_cast<off_t>(disk.sizeMiB * kMiB)) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(path.c_str());
    return cannot(path, "create", std::strerror(err));
  }
  ::close(fd);
  host_->log(sdk::LogLevel::kInfo, "Created file disk " + quoted(path) + " of " +
                                       std::to_string(disk.sizeMiB) + " MiB");
  return deviceOf(path);
}

sdk::Result<void> FileStorage::remove(const sdk::DiskSpec& disk) {
  auto loc = locate(disk.logicalId);
  if (!loc) return std::move(loc).error();
  std::lock_guard lock(mutex_);
  if (::unlink(loc->path.c_str()) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return sdk::ok();
    return cannot(loc->path, "remove", std::strerror(errno));
  }
  removeEmptyParent(loc->path);
  return sdk::ok();
}

sdk::Result<sdk::DeviceInfo> FileStorage::assemble(const sdk::DiskSpec& disk) {
  auto loc = locate(disk.logicalId);
  if (!loc) return std::move(loc).error();
  std::lock_guard lock(mutex_);
  auto exists = fileExists(loc->path);
  if (!exists) return std::move(exists).error();
  if (!*exists) return deviceMissing(loc->path);
  return deviceOf(loc->path);
}

sdk::Result<void> FileStorage::shutdown(const sdk::DiskSpec& disk) {
  // Nothing is active beyond the file itself; an absent one is shut already.
  auto loc = locate(disk.logicalId);
  if (!loc) return std::move(loc).error();
  return sdk::ok();
}

sdk::Result<void> FileStorage::open(const sdk::DiskSpec& disk, bool /*exclusive*/) {
  auto loc = locate(disk.logicalId);
  if (!loc) return std::move(loc).error();
  std::lock_guard lock(mutex_);
  auto exists = fileExists(loc->path);
  if (!exists) return std::move(exists).error();
  if (!*exists) return deviceMissing(loc->path);
  return sdk::ok();
}

sdk::Result<void> FileStorage::close(const sdk::DiskSpec& disk) {
  auto loc = locate(disk.logicalId);
  if (!loc) return std::move(loc).error();
  std::lock_guard lock(mutex_);
  auto exists = fileExists(loc->path);
  if (!exists) return std::move(exists).error();
  if (!*exists) return deviceMissing(loc->path);
  return sdk::ok();
}

sdk::Result<std::optional<sdk::DeviceStatus>> FileStorage::find(const sdk::DiskSpec& disk) {
  auto loc = locate(disk.logicalId);
  if (!loc) return std::move(loc).error();
  std::lock_guard lock(mutex_);
  auto exists = fileExists(loc->path);
  if (!exists) return std::move(exists).error();
  if (!*exists) return std::optional<sdk::DeviceStatus>{};
  sdk::DeviceStatus status;
  status.device = deviceOf(loc->path);
  status.degraded = false;
  status.localDisk = sdk::DeviceStatus::LocalDisk::kOk;
  return std::optional<sdk::DeviceStatus>{status};
}

sdk::Result<void> FileStorage::grow(const sdk::DiskSpec& disk, std::int64_t amountMiB,
                                    bool dryRun) {
  auto loc = locate(disk.logicalId);
  if (!loc) return std::move(loc).error();
  const fs::path& path = loc->path;
  std::lock_guard lock(mutex_);
  auto exists = fileExists(path);
  if (!exists) return std::move(exists).error();
  if (!*exists) return noSuchFile(path);
  if (amountMiB < 0) {
    return Error{ErrorCode::kInvalid, path.string() + ": can't grow by negative amount"};
  }
  // Sparse files need no free space up front, so a dry run has nothing more
  // to check.
  if (dryRun || amountMiB == 0) return sdk::ok();
  const int fd = ::open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return cannot(path, "grow", std::strerror(errno));
  struct stat st{};
  if (::fstat(fd, &st) != 0 ||
      ::ftruncate(fd, st.st_size + static_cast<off_t>(amountMiB * kMiB)) != 0) {
    const int err = errno;
    ::close(fd);
    return cannot(path, "grow", std::strerror(err));
  }
  ::close(fd);
  return sdk::ok();
}

sdk::Result<sdk::DeviceInfo> FileStorage::rename(
    const sdk::DiskSpec& disk, const std::vector<std::string>& newLogicalId) {
  auto from = locate(disk.logicalId);
  if (!from) return std::move(from).error();
  auto to = locate(newLogicalId);
  if (!to) return std::move(to).error();
  std::lock_guard lock(mutex_);
  auto exists = fileExists(from->path);
  if (!exists) return std::move(exists).error();
  if (!*exists) return noSuchFile(from->path);
  if (from->path == to->path) return deviceOf(to->path);  // only the driver changed

  std::error_code ec;
  fs::create_directories(to->path.parent_path(), ec);
  if (ec) return cannot(from->path, "rename", ec.message());
  // RENAME_NOREPLACE: an existing target is never overwritten, even if it
  // appears after a check.
  if (::renameat2(AT_FDCWD, from->path.c_str(), AT_FDCWD, to->path.c_str(),
                  RENAME_NOREPLACE) != 0) {
    const int err = errno;
    if (err == EEXIST) {
      return Error{ErrorCode::kExists, "File already existing: " + to->path.string()};
    }
    removeEmptyParent(to->path);
    return cannot(from->path, "rename", std::strerror(err));
  }
  removeEmptyParent(from->path);
  return deviceOf(to->path);
}

sdk::Result<void> FileStorage::setInfo(const sdk::DiskSpec& disk, std::string_view) {
  // Files carry no tags; the owner is already in the path.
  auto loc = locate(disk.logicalId);
  if (!loc) return std::move(loc).error();
  return sdk::ok();
}

sdk::Result<std::int64_t> FileStorage::actualSizeBytes(const sdk::DiskSpec& disk) {
  auto loc = locate(disk.logicalId);
  if (!loc) return std::move(loc).error();
  std::lock_guard lock(mutex_);
  struct stat st{};
  if (::lstat(loc->path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return noSuchFile(loc->path);
    return cannot(loc->path, "get size", std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return Error{ErrorCode::kEnvironment, quoted(loc->path) + " is not a regular file"};
  }
  return static_cast<std::int64_t>(st.st_size);
}

// --- node-wide -------------------------------------------------------------

sdk::Result<std::vector<sdk::VolumeInfo>> FileStorage::listVolumes() {
  std::lock_guard lock(mutex_);
  std::vector<sdk::VolumeInfo> volumes;
  std::error_code ec;
  if (!fs::is_directory(storageDir_, ec)) return volumes;
  // Directory symlinks are not followed: what lies behind them is not ours.
  fs::recursive_directory_iterator it(
      storageDir_, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code statEc;
    if (!fs::is_regular_file(it->symlink_status(statEc))) continue;
    const fs::path& path = it->path();
    const auto size = fs::file_size(path, statEc);
    if (statEc) continue;  // removed while listing
    sdk::VolumeInfo volume;
    volume.name = path.string();
    volume.physical = storageDir_.string();
    volume.sizeMiB = static_cast<std::int64_t>((size + kMiB - 1) / kMiB);
    const fs::path rel = path.lexically_relative(storageDir_);
    // <dir>/<instance>/<file>: the middle part names the owner.
    if (std::distance(rel.begin(), rel.end()) == 2) volume.owner = rel.begin()->string();
    volume.active = true;
    volumes.push_back(std::move(volume));
  }
  if (ec) {
    return Error{ErrorCode::kEnvironment,
                 "Cannot list " + quoted(storageDir_) + ": " + ec.message()};
  }
  return volumes;
}

namespace {

// "1.3T", "750G", "512M", "2048" (MiB): the size a node is told its file
// storage has (setting "file.size"), for virtual clusters whose nodes
// share one file system but should report the sizes of separate disks.
std::optional<std::int64_t> parseSizeMiB(const std::string& text) {
  std::size_t end = 0;
  double number = 0;
  try {
    number = std::stod(text, &end);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  const std::string unit = text.substr(end);
  double factor = 1;
  if (unit == "" || unit == "M" || unit == "m") {
    factor = 1;
  } else if (unit == "G" || unit == "g") {
    factor = 1024;
  } else if (unit == "T" || unit == "t") {
    factor = 1024.0 * 1024;
  } else {
    return std::nullopt;
  }
  if (!(number > 0) || number * factor > 1e12) return std::nullopt;
  return static_cast<std::int64_t>(std::ceil(number * factor));
}

}  // namespace

sdk::Result<std::vector<sdk::SpaceInfo>> FileStorage::spaceInfo() {
  if (auto size = host_->setting("file.size")) {
    auto total = parseSizeMiB(*size);
    if (!total) {
      return Error{ErrorCode::kInvalid, "Invalid setting 'file.size': '" + *size + "'"};
    }
    auto volumes = listVolumes();
    if (!volumes) return std::move(volumes).error();
    std::int64_t used = 0;
    for (const auto& volume : *volumes) used += volume.sizeMiB;
    sdk::SpaceInfo info;
    info.key = storageDir_.string();
    info.totalMiB = *total;
    info.freeMiB = std::max<std::int64_t>(0, *total - used);
    return std::vector<sdk::SpaceInfo>{info};
  }
  struct statvfs st{};
  if (::statvfs(storageDir_.c_str(), &st) != 0) {
    return Error{ErrorCode::kEnvironment,
                 "Failed to retrieve storage information about path " +
                     quoted(storageDir_) + ": " + std::strerror(errno)};
  }
  sdk::SpaceInfo info;
  info.key = storageDir_.string();
  info.totalMiB = static_cast<std::int64_t>(st.f_blocks * st.f_frsize / kMiB);
  info.freeMiB = static_cast<std::int64_t>(st.f_bavail * st.f_frsize / kMiB);
  return std::vector<sdk::SpaceInfo>{info};
}

}  // namespace gantry::plugins::file
