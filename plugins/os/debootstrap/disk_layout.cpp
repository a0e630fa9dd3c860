#include "disk_layout.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

namespace gantry::plugins::os_debootstrap {
namespace {
namespace fs = std::filesystem;
using sdk::Error;
using sdk::ErrorCode;

constexpr std::uint64_t kSector = 512;
constexpr std::uint64_t kFirstPartitionStart = 2048;  // sectors: 1 MiB aligned

}  // namespace

sdk::Result<std::uint64_t> deviceSize(const fs::path& disk) {
  struct stat st {};
  if (::stat(disk.c_str(), &st) != 0) {
    return Error{ErrorCode::kEnvironment,
                 "Cannot use disk " + disk.string() + ": " + std::strerror(errno)};
  }
  if (S_ISREG(st.st_mode)) return static_cast<std::uint64_t>(st.st_size);
  if (!S_ISBLK(st.st_mode)) {
    return Error{ErrorCode::kEnvironment, disk.string() + " is neither a file nor a block device"};
  }
  const int fd = ::open(disk.c_str(), O_RDONLY | O_CLOEXEC);
  std::uint64_t bytes = 0;
  const bool ok = fd >= 0 && ::ioctl(fd, BLKGETSIZE64, &bytes) == 0;
  if (fd >= 0) ::close(fd);
  if (!ok) return Error{ErrorCode::kEnvironment, "Cannot read the size of " + disk.string()};
  return bytes;
}

sdk::Result<PartitionSpan> firstPartitionFromSfdiskJson(const std::string& text) {
  try {
    const auto doc = nlohmann::json::parse(text);
    const auto& table = doc.at("partitiontable");
    const std::uint64_t sector = table.value("sectorsize", kSector);
    const auto& parts = table.at("partitions");
    if (!parts.is_array() || parts.empty()) {
      return Error{ErrorCode::kInvalid, "The partition table has no partition"};
    }
    return PartitionSpan{parts[0].at("start").get<std::uint64_t>() * sector,
                         parts[0].at("size").get<std::uint64_t>() * sector};
  } catch (const nlohmann::json::exception& e) {
    return Error{ErrorCode::kInvalid, std::string("Unreadable sfdisk output: ") + e.what()};
  }
}

sdk::Result<PartitionSpan> partitionDisk(CommandRunner& run, const fs::path& disk,
                                         const std::string& style) {
  auto size = deviceSize(disk);
  if (!size) return std::move(size).error();
  if (style == "none") {
    // A table left by an earlier install would shadow the new filesystem
    // (--force: an image file counts as "not a whole disk" to wipefs).
    if (auto wiped = run.run({"wipefs", "--all", "--force", "--quiet", disk.string()}); !wiped) {
      return std::move(wiped).error();
    }
    return PartitionSpan{0, *size};
  }
  if (*size < (kFirstPartitionStart + 2048) * kSector) {
    return Error{ErrorCode::kInvalid, "Disk " + disk.string() + " is too small to partition"};
  }
  const std::string table =
      "label: dos\nstart=" + std::to_string(kFirstPartitionStart) + ", type=83, bootable\n";
  if (auto written = run.run({"sfdisk", "--quiet", "--wipe", "always", disk.string()},
                             std::chrono::minutes(1), table);
      !written) {
    return std::move(written).error();
  }
  return rootSpan(run, disk);
}

sdk::Result<PartitionSpan> rootSpan(CommandRunner& run, const fs::path& disk) {
  auto listed = run.run({"sfdisk", "--json", disk.string()});
  if (listed) {
    if (auto span = firstPartitionFromSfdiskJson(*listed)) return span;
  }
  auto size = deviceSize(disk);
  if (!size) return std::move(size).error();
  return PartitionSpan{0, *size};
}

sdk::Result<std::unique_ptr<LoopDevice>> LoopDevice::attach(CommandRunner& run,
                                                            const fs::path& disk,
                                                            const PartitionSpan& span) {
  auto attached = run.run({"losetup", "--find", "--show", "--offset", std::to_string(span.offset),
                           "--sizelimit", std::to_string(span.size), disk.string()});
  if (!attached) return std::move(attached).error();
  const std::string device = trimmedOutput(*attached);
  if (device.rfind("/dev/loop", 0) != 0) {
    return Error{ErrorCode::kEnvironment, "losetup named no loop device: " + device};
  }
  return std::unique_ptr<LoopDevice>(new LoopDevice(run, device));
}

LoopDevice::~LoopDevice() { run_.runQuietly({"losetup", "--detach", path_}); }

sdk::Result<std::unique_ptr<MountedFilesystem>> MountedFilesystem::mount(CommandRunner& run,
                                                                         const std::string& device,
                                                                         const fs::path& parent) {
  std::error_code ec;
  fs::create_directories(parent, ec);
  std::string pattern = (parent / "root-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return Error{ErrorCode::kEnvironment, "Cannot make a mount point under " + parent.string() +
                                              ": " + std::strerror(errno)};
  }
  if (auto mounted = run.run({"mount", device, pattern}); !mounted) {
    fs::remove(pattern, ec);
    return std::move(mounted).error();
  }
  return std::unique_ptr<MountedFilesystem>(new MountedFilesystem(run, pattern));
}

MountedFilesystem::~MountedFilesystem() {
  // Recursive: a failed debootstrap may leave its /proc mounted inside.
  run_.runQuietly({"umount", "--recursive", path_.string()});
  std::error_code ec;
  fs::remove(path_, ec);  // only if empty: a failed umount keeps the data
}

}  // namespace gantry::plugins::os_debootstrap
