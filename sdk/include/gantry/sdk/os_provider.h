// The OS provider interface: installs and maintains an instance's operating
// system on its disks. Node side, one object per node daemon. The `scripts`
// provider runs Ganeti OS definitions unchanged. Since ABI 1.0.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/sdk/instance_spec.h"
#include "gantry/sdk/params.h"
#include "gantry/sdk/result.h"
#include "gantry/sdk/visibility.h"

namespace gantry::sdk {

/// One OS this provider offers on this node, valid or not (`gnt-os
/// diagnose` shows both).
struct OsDefinition {
  std::string name;                     // without variant
  std::filesystem::path path;           // where it was found
  bool valid = false;
  std::string diagnose;                 // why it is invalid; empty if valid
  std::vector<int> apiVersions;         // as declared, in file order
  std::vector<std::string> variants;    // first is the default
  std::vector<std::pair<std::string, std::string>> parameters;  // name, doc
  bool trusted = true;
  /// Later entries of the search path with the same name (shadowed).
  std::vector<std::filesystem::path> hiddenPaths;
  /// Added in ABI 2.0: for each of hiddenPaths, why that copy is invalid,
  /// or empty when it is valid (`gnt-os diagnose` shows both).
  std::vector<std::string> hiddenDiagnoses;
};

/// What an OS operation works on: the instance (disks attached, paths set),
/// the OS name with variant, its filled parameters.
struct OsRequest {
  InstanceSpec instance;
  std::string osName;                   // "name" or "name+variant"
  ParamMap osParams;                    // public parameters
  ParamMap osParamsPrivate;             // private (not logged)
  ParamMap osParamsSecret;              // secret (never stored)
  int debugLevel = 0;
  bool reinstall = false;               // INSTANCE_REINSTALL=1
  std::string oldName;                  // rename, import: the former name
  int diskIndex = 0;                    // import/export: which disk
  std::filesystem::path streamFile;     // import: read from; export: write to
  // Added in ABI 2.0.
  /// Export: the device to read when it is not the instance's disk itself
  /// (a snapshot); empty: the disk's devicePath. Likewise its URI.
  std::filesystem::path exportDevice;
  std::string exportUri;
  /// When not null, the script's output (stdout and stderr, as written to
  /// the OS log file) is appended here, success or not, for the job log.
  /// Lives for the call only.
  std::string* output = nullptr;
};

class GANTRY_SDK_API OsProvider {
 public:
  static constexpr const char* kKind = "os";
  virtual ~OsProvider() = default;

  /// Every OS this provider finds on this node, valid or not.
  virtual Result<std::vector<OsDefinition>> listOses() = 0;
  /// One OS by name (variant ignored); kNotFound when absent.
  virtual Result<OsDefinition> findOs(std::string_view name) = 0;
  /// Checks the variant and parameters (Ganeti's ValidateOS); runs the OS's
  /// own `verify` where it has one.
  virtual Result<void> validate(std::string_view osName,
                                const ParamMap& osParams,
                                bool forceVariant) = 0;
  /// Installs the OS onto the instance's disks. The error carries the last
  /// lines of the script's output.
  virtual Result<void> create(const OsRequest& request) = 0;
  /// Restores disk `diskIndex` from `streamFile`.
  virtual Result<void> importDisk(const OsRequest& request) = 0;
  /// Dumps disk `diskIndex` to `streamFile`.
  virtual Result<void> exportDisk(const OsRequest& request) = 0;
  /// Adapts the installed OS to the instance's new name (`oldName`).
  virtual Result<void> rename(const OsRequest& request) = 0;
};

}  // namespace gantry::sdk
