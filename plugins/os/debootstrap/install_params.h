// What the debootstrap OS installs: the instance's OS parameters checked
// and filled with the machine's own defaults (the Debian suite it runs,
// the mirror its apt uses), so an install needs no parameter at all.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gantry/sdk/params.h"
#include "gantry/sdk/result.h"

namespace gantry::plugins::os_debootstrap {

inline constexpr const char* kOsName = "debootstrap";

/// The OS's variants, the first being the default: "default" is a minimal
/// system that boots (init, udev), "minbase" debootstrap's bare minbase.
const std::vector<std::string>& variants();

/// Parameter names with their documentation (`gnt-os info` shows them).
const std::vector<std::pair<std::string, std::string>>& parameterDocs();

struct InstallParams {
  std::string suite;
  std::string mirror;
  std::string variant;                // the OS variant
  std::vector<std::string> packages;  // debootstrap --include
  std::string partitionStyle;         // "msdos" or "none"
  std::string filesystem;             // mkfs.<filesystem>
};

/// The machine's defaults; what a parameter left out means.
struct MachineDefaults {
  std::string suite = "bookworm";
  std::string mirror = "http://deb.debian.org/debian";
};

/// Read from `etc` (os-release, apt sources in both formats); what cannot
/// be read keeps the built-in value.
MachineDefaults machineDefaults(const std::filesystem::path& etc = "/etc");

/// VERSION_CODENAME of an os-release file.
std::optional<std::string> codenameFromOsRelease(std::string_view text);
/// The first URI of an apt source for `suite`: deb822 (.sources) or
/// one-line (.list) format.
std::optional<std::string> mirrorFromDeb822(std::string_view text, std::string_view suite);
std::optional<std::string> mirrorFromOneLine(std::string_view text, std::string_view suite);

/// The variant of "debootstrap+<variant>" ("" when none is given).
std::string variantOf(std::string_view osName);

/// Checks and fills. kInvalid names the parameter and the value refused.
sdk::Result<InstallParams> installParams(std::string_view osName, const sdk::ParamMap& params,
                                         const MachineDefaults& defaults);

/// A file name that differs whenever what debootstrap would fetch differs
/// (suite, mirror, variant, packages): the cache tarball's name.
std::string cacheKey(const InstallParams& params);

}  // namespace gantry::plugins::os_debootstrap
