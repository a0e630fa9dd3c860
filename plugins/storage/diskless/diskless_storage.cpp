#include "diskless_storage.h"

#include <stdexcept>

namespace gantry::plugins::diskless {
namespace {

using sdk::Error;
using sdk::ErrorCode;

// The master refuses disk operations on a diskless instance before any node
// is asked; reaching this is a caller's mistake, said plainly.
Error noDisks(const sdk::DiskSpec& disk, const char* what) {
  std::string who = disk.instanceName.empty() ? std::string("a diskless instance")
                                              : "instance " + disk.instanceName;
  return {ErrorCode::kInvalid, std::string("Cannot ") + what + " a disk of " + who +
                                   ": the diskless template has no disks"};
}

}  // namespace

DisklessStorage::DisklessStorage(sdk::Host* host) {
  if (host == nullptr) throw std::invalid_argument("DisklessStorage needs a host");
}

sdk::Result<void> DisklessStorage::checkParameters(const sdk::ParamMap& params) const {
  if (!params.empty()) {
    return Error{ErrorCode::kInvalid, "Unknown parameter '" + params.begin()->first + "'"};
  }
  return sdk::ok();
}

sdk::Result<sdk::DeviceInfo> DisklessStorage::create(const sdk::DiskSpec& disk) {
  return noDisks(disk, "create");
}

sdk::Result<void> DisklessStorage::remove(const sdk::DiskSpec&) { return sdk::ok(); }

sdk::Result<sdk::DeviceInfo> DisklessStorage::assemble(const sdk::DiskSpec& disk) {
  return noDisks(disk, "assemble");
}

sdk::Result<void> DisklessStorage::shutdown(const sdk::DiskSpec&) { return sdk::ok(); }

sdk::Result<void> DisklessStorage::open(const sdk::DiskSpec& disk, bool) {
  return noDisks(disk, "open");
}

sdk::Result<void> DisklessStorage::close(const sdk::DiskSpec&) { return sdk::ok(); }

sdk::Result<std::optional<sdk::DeviceStatus>> DisklessStorage::find(const sdk::DiskSpec&) {
  return std::optional<sdk::DeviceStatus>{};
}

sdk::Result<void> DisklessStorage::grow(const sdk::DiskSpec& disk, std::int64_t, bool) {
  return noDisks(disk, "grow");
}

sdk::Result<sdk::DeviceInfo> DisklessStorage::rename(const sdk::DiskSpec& disk,
                                                     const std::vector<std::string>&) {
  return noDisks(disk, "rename");
}

sdk::Result<void> DisklessStorage::setInfo(const sdk::DiskSpec& disk, std::string_view) {
  return noDisks(disk, "tag");
}

sdk::Result<std::int64_t> DisklessStorage::actualSizeBytes(const sdk::DiskSpec& disk) {
  return noDisks(disk, "measure");
}

sdk::Result<std::vector<sdk::VolumeInfo>> DisklessStorage::listVolumes() {
  return std::vector<sdk::VolumeInfo>{};
}

sdk::Result<std::vector<sdk::SpaceInfo>> DisklessStorage::spaceInfo() {
  return std::vector<sdk::SpaceInfo>{};
}

}  // namespace gantry::plugins::diskless
