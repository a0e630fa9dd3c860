// Reading one Ganeti OS definition from disk (Ganeti's _TryOSFromDisk): the
// API version file, the scripts and the variant and parameter lists, with
// Ganeti's diagnose messages, checked in Ganeti's order so `gnt-os diagnose`
// says the same thing for the same broken directory.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gantry/sdk/os_provider.h"

namespace gantry::plugins::os_scripts {

/// The OS API versions this provider speaks.
inline constexpr int kApiVersions[] = {10, 15, 20};
inline constexpr int kApiV15 = 15;
inline constexpr int kApiV20 = 20;

inline constexpr const char* kScriptCreate = "create";
inline constexpr const char* kScriptCreateUntrusted = "create_untrusted";
inline constexpr const char* kScriptExport = "export";
inline constexpr const char* kScriptImport = "import";
inline constexpr const char* kScriptRename = "rename";
inline constexpr const char* kScriptVerify = "verify";
inline constexpr const char* kApiFile = "ganeti_api_version";
inline constexpr const char* kVariantsFile = "variants.list";
inline constexpr const char* kParametersFile = "parameters.list";

/// An OS definition as found on disk. `definition.valid` false means only
/// `definition.name`, `path` and `diagnose` (and what was read before the
/// failing check) are meaningful.
struct LoadedOs {
  sdk::OsDefinition definition;
  /// Highest version both sides speak (OS_API_VERSION); 0 when invalid.
  int apiVersion = 0;
  /// Scripts present in the directory, by name, absolute paths.
  std::map<std::string, std::filesystem::path> scripts;

  int maxDeclaredApi() const;
  bool hasScript(const std::string& name) const { return scripts.count(name) != 0; }
};

/// Ganeti's EXT_PLUGIN_MASK, ^[a-zA-Z0-9_-]+$.
bool isValidOsName(std::string_view name);

/// "name+variant" -> {"name", "variant"}; no '+' -> {"name", ""}.
std::pair<std::string, std::string> splitOsName(std::string_view osName);

/// Loads the definition in `dir` under the name `name`; never fails, an
/// unusable directory comes back invalid with Ganeti's reason.
LoadedOs loadOsDirectory(const std::string& name, const std::filesystem::path& dir);

/// The first directory of `searchPath` holding a directory `name` wins;
/// later ones are recorded as hidden, with their own diagnose. nullopt when
/// no directory has it (or the name is not acceptable).
std::optional<LoadedOs> findOs(const std::string& name,
                               const std::vector<std::filesystem::path>& searchPath);

/// Every OS on the search path, sorted by name, each loaded from the first
/// directory holding it.
std::vector<LoadedOs> scanOses(const std::vector<std::filesystem::path>& searchPath);

/// Ganeti's message for an OS that no search directory holds.
std::string notFoundMessage(std::string_view name);

}  // namespace gantry::plugins::os_scripts
