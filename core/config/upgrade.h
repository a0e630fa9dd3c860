// Config versions: the check that refuses anything but 3.1 at load, and the
// conversion of configs written by Ganeti 2.7 ... 3.0 to the 3.1 layout
// (the steps of Ganeti's cfgupgrade, on the JSON document).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/config/defaults.h"
#include "core/config/objects.h"
#include "gantry/sdk/result.h"

namespace gantry::core::config {

struct ConfigVersion {
  int major = 0;
  int minor = 0;
  int revision = 0;
};

/// 2100000 -> {2, 10, 0}.
ConfigVersion splitVersion(std::int64_t version);
/// {3, 1, 0} -> 3010000.
std::int64_t buildVersion(int major, int minor, int revision = 0);
/// "2.10", or "2.10.1" when the revision is not 0.
std::string versionString(std::int64_t version);

/// Ok only for the version this code reads (kConfigVersion). Otherwise
/// kInvalid with e.g. "Configuration version 2.10 is not supported; this is
/// 3.1: run gantry-cfgupgrade".
sdk::Result<void> checkConfigVersion(std::int64_t version);
/// The same for a whole document (also refuses a missing or non-integer
/// `version`).
sdk::Result<void> checkConfigVersion(const nlohmann::json& data);

/// Version check, then the typed parse; a malformed object is kInvalid
/// with the ConfigError's message.
sdk::Result<ConfigData> loadConfigData(const nlohmann::json& data);
/// The same from config.data's text (kInvalid when it is not JSON).
sdk::Result<ConfigData> loadConfigText(std::string_view text);

/// True for the versions upgradeConfig converts (2.7 ... 3.0) or accepts
/// unchanged (3.1).
bool isUpgradable(std::int64_t version);

struct UpgradeOptions {
  /// Makes the uuids that old disks and NICs lack; random (version 4) when
  /// empty. Tests pass a deterministic one.
  std::function<std::string()> newUuid;
};

struct UpgradeReport {
  std::int64_t fromVersion = 0;
  std::int64_t toVersion = 0;
  bool changed = false;
  /// One line per change, in the order made ("instances: disks moved to
  /// the top-level disks dictionary", ...).
  std::vector<std::string> actions;
  /// Things an operator should look at (Ganeti's warnings).
  std::vector<std::string> warnings;
};

/// Converts `data` in place to version 3.1. A 3.1 document is left as it
/// is (changed = false). On failure `data` is unchanged. Refused: versions
/// before 2.7, after 3.1, and any other major.
sdk::Result<UpgradeReport> upgradeConfig(nlohmann::json& data,
                                         const UpgradeOptions& options = {});

/// A random version 4 uuid in Ganeti's text form.
std::string randomUuid();

}  // namespace gantry::core::config
