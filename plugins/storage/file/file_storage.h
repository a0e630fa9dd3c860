// The `file` disk template (Ganeti's FileStorage): each disk is a sparse raw
// file `<file storage dir>/<instance>/<uuid>.file.disk<i>`, named by the
// logical id `[driver, path]` (driver loop, blktap or blktap2). The path
// must lie below the node's HostPaths::fileStorageDir; anything else (a
// "..", a symlink on the way) is refused before the file system is touched.
//
// A file is always "active": assemble/find return its path, shutdown/open/
// close change nothing. Free space is not checked (Ganeti does not either):
// the files are sparse. No diskparams. Safe from several threads.
//
// The same code serves `sharedfile` (Ganeti uses one FileStorage class for
// both): only the template name and the directory differ, see
// FileStorageFlavor.
#pragma once

#include <filesystem>
#include <mutex>

#include "gantry/sdk/host.h"
#include "gantry/sdk/storage.h"
#include "storage_path.h"

namespace gantry::plugins::file {

/// What tells the file-based templates apart.
struct FileStorageFlavor {
  std::string diskTemplate;                        // "file", "sharedfile"
  std::filesystem::path sdk::HostPaths::*dir;      // the directory in HostPaths
  std::string label;                               // "file storage", ... in messages
};

inline const FileStorageFlavor kFileFlavor{"file", &sdk::HostPaths::fileStorageDir,
                                           "file storage"};

class FileStorage : public sdk::Storage {
 public:
  /// `host` must outlive the object; null is refused (throws, which the
  /// descriptor's create turns into a null result).
  explicit FileStorage(sdk::Host* host) : FileStorage(host, kFileFlavor) {}
  FileStorage(sdk::Host* host, const FileStorageFlavor& flavor);

  std::string diskTemplate() const override { return flavor_.diskTemplate; }
  std::vector<sdk::ParamSpec> parameters() const override { return {}; }
  sdk::Result<void> checkParameters(const sdk::ParamMap& params) const override;

  sdk::Result<sdk::DeviceInfo> create(const sdk::DiskSpec& disk) override;
  sdk::Result<void> remove(const sdk::DiskSpec& disk) override;
  sdk::Result<sdk::DeviceInfo> assemble(const sdk::DiskSpec& disk) override;
  sdk::Result<void> shutdown(const sdk::DiskSpec& disk) override;
  sdk::Result<void> open(const sdk::DiskSpec& disk, bool exclusive) override;
  sdk::Result<void> close(const sdk::DiskSpec& disk) override;
  sdk::Result<std::optional<sdk::DeviceStatus>> find(const sdk::DiskSpec& disk) override;
  sdk::Result<void> grow(const sdk::DiskSpec& disk, std::int64_t amountMiB,
                         bool dryRun) override;
  sdk::Result<sdk::DeviceInfo> rename(const sdk::DiskSpec& disk,
                                      const std::vector<std::string>& newLogicalId) override;
  sdk::Result<void> setInfo(const sdk::DiskSpec& disk, std::string_view text) override;
  sdk::Result<std::int64_t> actualSizeBytes(const sdk::DiskSpec& disk) override;

  sdk::Result<std::vector<sdk::VolumeInfo>> listVolumes() override;
  sdk::Result<std::vector<sdk::SpaceInfo>> spaceInfo() override;

 private:
  sdk::Result<FileLocation> locate(const std::vector<std::string>& logicalId) const;
  /// Whether a regular file is at `path`; something else there is an error.
  sdk::Result<bool> fileExists(const std::filesystem::path& path) const;
  /// Removes the instance dir a disk lived in once it is empty.
  void removeEmptyParent(const std::filesystem::path& file);

  sdk::Host* host_;
  FileStorageFlavor flavor_;
  std::filesystem::path storageDir_;
  mutable std::mutex mutex_;
};

}  // namespace gantry::plugins::file
