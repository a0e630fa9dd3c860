// The `debootstrap` OS provider: installs Debian onto an instance's first
// disk. create partitions the disk (msdos with one root partition, or
// none), makes the filesystem, fills it from a per-node cache tarball or,
// the first time, with debootstrap (whose result becomes the cache), and
// writes the instance's hostname, hosts, fstab and apt source. The result
// boots with the cluster's kernel_path/initrd_path (root=/dev/vda1, or
// /dev/vda without partitions); a kernel package in extra_packages puts
// one in the disk's own /boot.
//
// Cache: <root>/var/cache/gantry/debootstrap/<suite>-<variant>-<hash>.tar
// (or the directory of the setting debootstrap.cache_dir),
// one per suite, mirror, variant and package list; written to a temporary
// name and renamed, so a concurrent or failed install never leaves half a
// tarball. export/import copy the disk's bytes to and from the stream;
// rename changes hostname and hosts. Needs root on the node.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "gantry/sdk/host.h"
#include "gantry/sdk/os_provider.h"
#include "install_params.h"

namespace gantry::plugins::os_debootstrap {

class DebootstrapOsProvider final : public sdk::OsProvider {
 public:
  /// `host` must outlive the object; null is refused (throws).
  explicit DebootstrapOsProvider(sdk::Host* host);

  sdk::Result<std::vector<sdk::OsDefinition>> listOses() override;
  sdk::Result<sdk::OsDefinition> findOs(std::string_view name) override;
  sdk::Result<void> validate(std::string_view osName, const sdk::ParamMap& osParams,
                             bool forceVariant) override;
  sdk::Result<void> create(const sdk::OsRequest& request) override;
  sdk::Result<void> importDisk(const sdk::OsRequest& request) override;
  sdk::Result<void> exportDisk(const sdk::OsRequest& request) override;
  sdk::Result<void> rename(const sdk::OsRequest& request) override;

  /// Where install tarballs are kept on this node.
  std::filesystem::path cacheDir() const;

 private:
  sdk::OsDefinition definition() const;
  /// Fills the mounted root from the cache, or by debootstrap (then
  /// caching the result).
  sdk::Result<void> populate(class CommandRunner& run, const InstallParams& params,
                             const std::filesystem::path& root);
  sdk::Result<void> copyDisk(const sdk::OsRequest& request, bool import);

  sdk::Host* host_;
  MachineDefaults defaults_;
};

}  // namespace gantry::plugins::os_debootstrap
