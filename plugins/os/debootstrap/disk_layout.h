// The instance's first disk as the install sees it: an msdos partition
// table with one root partition (or none: the filesystem on the whole
// disk), reached through a loop device at the partition's offset (kpartx
// and partition scanning need kernel features a node may lack; an offset
// loop needs none), mounted on a private directory. Every loop device and
// mount is released when its guard goes, on success and on failure.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "command_runner.h"
#include "gantry/sdk/result.h"

namespace gantry::plugins::os_debootstrap {

/// Where the root filesystem lies on the disk, in bytes.
struct PartitionSpan {
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};

/// Bytes of a disk image file or block device.
sdk::Result<std::uint64_t> deviceSize(const std::filesystem::path& disk);

/// Writes a new partition table ("msdos": one bootable Linux partition
/// from 1 MiB to the end; "none": nothing) and returns the root's span.
sdk::Result<PartitionSpan> partitionDisk(CommandRunner& run, const std::filesystem::path& disk,
                                         const std::string& style);

/// The root of an installed disk: its first partition, or the whole disk
/// when it has no partition table.
sdk::Result<PartitionSpan> rootSpan(CommandRunner& run, const std::filesystem::path& disk);

/// The span of partition 1 in `sfdisk -J` output; kInvalid without one.
sdk::Result<PartitionSpan> firstPartitionFromSfdiskJson(const std::string& json);

/// A loop device over part of a disk; detached when destroyed.
class LoopDevice {
 public:
  static sdk::Result<std::unique_ptr<LoopDevice>> attach(CommandRunner& run,
                                                         const std::filesystem::path& disk,
                                                         const PartitionSpan& span);
  ~LoopDevice();
  LoopDevice(const LoopDevice&) = delete;
  LoopDevice& operator=(const LoopDevice&) = delete;
  const std::string& path() const { return path_; }

 private:
  LoopDevice(CommandRunner& run, std::string path) : run_(run), path_(std::move(path)) {}
  CommandRunner& run_;
  std::string path_;
};

/// A filesystem mounted on a fresh directory under `parent`; unmounted
/// and the directory removed when destroyed.
class MountedFilesystem {
 public:
  static sdk::Result<std::unique_ptr<MountedFilesystem>> mount(
      CommandRunner& run, const std::string& device, const std::filesystem::path& parent);
  ~MountedFilesystem();
  MountedFilesystem(const MountedFilesystem&) = delete;
  MountedFilesystem& operator=(const MountedFilesystem&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  MountedFilesystem(CommandRunner& run, std::filesystem::path path)
      : run_(run), path_(std::move(path)) {}
  CommandRunner& run_;
  std::filesystem::path path_;
};

}  // namespace gantry::plugins::os_debootstrap
