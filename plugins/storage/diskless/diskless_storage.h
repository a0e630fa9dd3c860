// The `diskless` disk template: instances without disks. There is never a
// device: creating or assembling one is refused, while removing, shutting
// down or closing "it" succeeds (there is nothing left to undo), so the
// master's generic paths work unchanged. No volumes, no space, no
// parameters. Stateless, so safe from any thread.
#pragma once

#include "gantry/sdk/host.h"
#include "gantry/sdk/storage.h"

namespace gantry::plugins::diskless {

class DisklessStorage final : public sdk::Storage {
 public:
  /// `host` must outlive the object; null is refused (throws).
  explicit DisklessStorage(sdk::Host* host);

  std::string diskTemplate() const override { return "diskless"; }
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
};

}  // namespace gantry::plugins::diskless
