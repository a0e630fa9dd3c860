// The plugin registry: finds plugin .so files, checks their descriptor
// before trusting any C++ type in them, creates one object per plugin and
// keeps it (and its library) for the registry's lifetime. The core asks it
// for "hypervisor kvm" or "storage drbd"; it never names a concrete plugin.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/sdk/plugin_abi.h"
#include "gantry/sdk/result.h"

namespace gantry::sdk {
class Host;
}

namespace gantry::core::plugins {

/// A plugin that passed every check and whose object exists.
struct LoadedPlugin {
  std::string kind;
  std::string name;
  std::string version;
  std::uint16_t abiMajor = 0;
  std::uint16_t abiMinor = 0;
  std::filesystem::path file;  // empty for built-in descriptors
};

/// A file the registry would not use, and why (one line, names the file).
struct RefusedPlugin {
  std::filesystem::path file;
  std::string reason;

  /// "<file>: <reason>"
  std::string describe() const;
};

/// The kinds the core knows, in the order `list` prints them.
const std::vector<std::string>& knownPluginKinds();

class PluginRegistry {
 public:
  /// `host` is lent to every plugin object and must outlive the registry.
  explicit PluginRegistry(sdk::Host* host);
  ~PluginRegistry();
  PluginRegistry(const PluginRegistry&) = delete;
  PluginRegistry& operator=(const PluginRegistry&) = delete;

  /// GANTRY_PLUGIN_PATH (':'-separated) left to right, then the built-in
  /// directory next to the running executable (<exe>/../lib/gantry/plugins).
  static std::vector<std::filesystem::path> defaultSearchPath();
  /// The built-in plugin directory of the running executable.
  static std::filesystem::path builtinPluginDir();

  /// Loads every `*.so` in each directory (and its kind subdirectories), in
  /// directory order, files in name order. Never throws for a bad plugin:
  /// it is recorded in refused().
  void scan(const std::vector<std::filesystem::path>& directories);
  /// Loads one file; false if refused (see refused()).
  bool loadFile(const std::filesystem::path& file);
  /// Registers a descriptor linked into the program (tests, static builds).
  bool addBuiltin(const GantryPluginDescriptor& descriptor,
                  std::string_view origin = "built-in");

  const std::vector<LoadedPlugin>& loaded() const { return loaded_; }
  const std::vector<RefusedPlugin>& refused() const { return refused_; }
  const LoadedPlugin* find(std::string_view kind, std::string_view name) const;
  /// Names of the loaded plugins of one kind, in load order.
  std::vector<std::string> names(std::string_view kind) const;

  /// The plugin object of `Interface::kKind` called `name`; the registry
  /// keeps ownership. kNotFound when no such plugin is loaded.
  template <typename Interface>
  sdk::Result<Interface*> get(std::string_view name) const {
    auto object = lookup(Interface::kKind, name);
    if (!object.ok()) return std::move(object).error();
    return static_cast<Interface*>(*object);
  }

 private:
  struct Entry;
  sdk::Result<void*> lookup(std::string_view kind, std::string_view name) const;
  bool admit(const GantryPluginDescriptor& descriptor,
             const std::filesystem::path& file, std::string_view origin,
             std::shared_ptr<void> library);
  void refuse(const std::filesystem::path& file, std::string reason);

  sdk::Host* host_;
  std::vector<std::unique_ptr<Entry>> entries_;
  std::vector<LoadedPlugin> loaded_;
  std::vector<RefusedPlugin> refused_;
  /// Libraries that were opened, refused ones included: a library is never
  /// unloaded while anything it made may be alive.
  std::vector<std::shared_ptr<void>> libraries_;
};

}  // namespace gantry::core::plugins
