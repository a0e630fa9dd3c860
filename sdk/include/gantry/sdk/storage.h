// The storage interface: one plugin per storage kind ("file", "sharedfile",
// "plain", "drbd", "ext", "diskless"). Node side, one object per node
// daemon, called from several job threads at once; failures are returned.
// Block device states (Ganeti's): absent -create-> inactive -assemble->
// active -open-> in use; close, shutdown, remove go back. Since ABI 1.0.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/sdk/params.h"
#include "gantry/sdk/result.h"
#include "gantry/sdk/visibility.h"

namespace gantry::sdk {

/// One block device as the config describes it, annotated for this node.
struct DiskSpec {
  std::string uuid;
  std::string name;                     // user-given, may be empty
  std::string ivName;                   // "disk/0"
  std::string devType;                  // "file", "plain", "drbd", ...
  /// Ganeti's logical_id, each element as text: file -> [driver, path],
  /// plain -> [vg, lv], drbd -> [nodeA, nodeB, port, minorA, minorB, secret].
  std::vector<std::string> logicalId;
  std::int64_t sizeMiB = 0;
  std::int64_t spindles = 0;            // 0: not accounted
  ParamMap params;                      // filled diskparams of the template
  /// Per-node values the master adds (local_ip, remote_ip, local_minor, ...).
  ParamMap dynamicParams;
  std::vector<DiskSpec> children;       // e.g. DRBD's data and meta LVs
  std::string instanceName;             // owner, for tags and paths
  bool readOnly = false;
  bool exclusiveStorage = false;
};

/// An active device, as returned by create/assemble/find.
struct DeviceInfo {
  std::filesystem::path devicePath;     // path the hypervisor opens
  std::string uri;                      // userspace access URI, may be empty
  std::int64_t major = -1;
  std::int64_t minor = -1;
};

/// Ganeti's BlockDevStatus.
struct DeviceStatus {
  enum class LocalDisk { kOk = 1, kSyncing = 2, kUnknown = 3, kFaulty = 4 };
  DeviceInfo device;
  std::optional<double> syncPercent;      // nullopt: not syncing
  std::optional<std::int64_t> etaSeconds;
  bool degraded = false;
  LocalDisk localDisk = LocalDisk::kOk;
};

/// One volume found on the node (orphan detection, `gnt-node volumes`).
struct VolumeInfo {
  std::string name;       // "xenvg/<uuid>.disk0" style, or a file path
  std::string physical;   // the PV or directory it lives on
  std::int64_t sizeMiB = 0;
  std::string owner;      // instance name when known, else empty
  bool active = false;
};

/// Free/total space of one storage unit (a VG, a directory).
struct SpaceInfo {
  std::string key;        // VG name or directory
  std::int64_t totalMiB = 0;
  std::int64_t freeMiB = 0;
  std::int64_t totalSpindles = 0;
  std::int64_t freeSpindles = 0;
};

class GANTRY_SDK_API Storage {
 public:
  static constexpr const char* kKind = "storage";
  virtual ~Storage() = default;

  /// The disk template this plugin implements ("file", "drbd", ...).
  virtual std::string diskTemplate() const = 0;
  /// Master side: the diskparams this kind understands, with defaults.
  virtual std::vector<ParamSpec> parameters() const = 0;
  /// Master side: syntax check of filled diskparams.
  virtual Result<void> checkParameters(const ParamMap& params) const = 0;

  /// Creates the device (children already exist). Fails with kExists if it
  /// is there already, kNoResources when space is short (numbers in text).
  virtual Result<DeviceInfo> create(const DiskSpec& disk) = 0;
  /// Destroys the device and its data. Removing an absent device succeeds.
  virtual Result<void> remove(const DiskSpec& disk) = 0;
  /// Activates the device and returns where it can be opened.
  virtual Result<DeviceInfo> assemble(const DiskSpec& disk) = 0;
  /// Deactivates the device; data stays.
  virtual Result<void> shutdown(const DiskSpec& disk) = 0;
  /// Makes the device ready for I/O on this node (DRBD: primary).
  virtual Result<void> open(const DiskSpec& disk, bool exclusive) = 0;
  /// The opposite of open (DRBD: secondary).
  virtual Result<void> close(const DiskSpec& disk) = 0;
  /// Status of an existing device; nullopt when it is absent.
  virtual Result<std::optional<DeviceStatus>> find(const DiskSpec& disk) = 0;
  /// Adds `amountMiB`; with dryRun only checks that it would fit.
  virtual Result<void> grow(const DiskSpec& disk, std::int64_t amountMiB,
                            bool dryRun) = 0;
  /// Gives the device a new logical id (same storage unit only).
  virtual Result<DeviceInfo> rename(const DiskSpec& disk,
                                    const std::vector<std::string>& newLogicalId) = 0;
  /// Attaches a free-text marker (LVM tags: "originstname+<instance>").
  virtual Result<void> setInfo(const DiskSpec& disk, std::string_view text) = 0;
  /// The real size of the device in bytes.
  virtual Result<std::int64_t> actualSizeBytes(const DiskSpec& disk) = 0;

  /// Volumes of this kind present on the node.
  virtual Result<std::vector<VolumeInfo>> listVolumes() = 0;
  /// Space in each storage unit this plugin manages on this node.
  virtual Result<std::vector<SpaceInfo>> spaceInfo() = 0;
};

}  // namespace gantry::sdk
