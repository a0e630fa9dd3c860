// The .so edge. Every plugin exports one plain-data descriptor under the
// fixed symbol name `gantry_plugin_descriptor`; the core reads and checks it
// before it trusts any C++ type from the plugin. Vendors need no Boost.
//
// Past the ABI check C++ types cross the edge (vtables, std::string): build
// with the same compiler, standard library and flags as Gantry itself.
#pragma once

#include <cstdint>

#include "gantry/sdk/visibility.h"

/// Bump when a field, a vtable slot or a type that crosses the edge changes:
/// the core refuses plugins built for another major.
#define GANTRY_SDK_ABI_MAJOR 2
/// Bump when something is only appended; an older core ignores it.
#define GANTRY_SDK_ABI_MINOR 0

namespace gantry::sdk {
class Host;
}

extern "C" {

struct GantryPluginDescriptor {
  std::uint32_t struct_size;  // sizeof at build time: lets a newer core read older ones
  std::uint16_t abi_major;
  std::uint16_t abi_minor;
  const char* kind;     // "hypervisor", "storage", "os", "iallocator"
  const char* name;     // "fake", "kvm", "file", "hail"
  const char* version;  // the vendor's own version string
  /// Makes the kind's interface object (e.g. sdk::Hypervisor*), or null.
  /// The host outlives the object. Must not throw.
  void* (*create)(gantry::sdk::Host* host);
  /// Frees what create made; the deleter lives in the .so that made it.
  void (*destroy)(void* object);
};

}  // extern "C"

#define GANTRY_PLUGIN_DESCRIPTOR_SYMBOL "gantry_plugin_descriptor"

namespace gantry::sdk::detail {
// The plugin's create function: exceptions stop here.
template <typename Interface, typename Impl>
void* createPlugin(Host* host) noexcept {
  try {
    return static_cast<Interface*>(new Impl(host));
  } catch (...) {
    return nullptr;
  }
}
template <typename Interface>
void destroyPlugin(void* object) noexcept {
  delete static_cast<Interface*>(object);
}
}  // namespace gantry::sdk::detail

/// Defines a descriptor variable named `var` for `Impl` (which derives from
/// `Interface` and has a constructor taking sdk::Host*). Used by
/// GANTRY_PLUGIN, and by tests that register a plugin without a .so.
#define GANTRY_PLUGIN_DESCRIPTOR(var, Interface, Impl, pluginName, pluginVersion) \
  const GantryPluginDescriptor var = {                                         \
      sizeof(GantryPluginDescriptor),                                          \
      GANTRY_SDK_ABI_MAJOR,                                                    \
      GANTRY_SDK_ABI_MINOR,                                                    \
      ::gantry::sdk::Interface::kKind,                                         \
      pluginName,                                                              \
      pluginVersion,                                                           \
      &::gantry::sdk::detail::createPlugin<::gantry::sdk::Interface, Impl>,    \
      &::gantry::sdk::detail::destroyPlugin<::gantry::sdk::Interface>}

/// The one line a plugin writes, once, in one source file of its .so:
///   GANTRY_PLUGIN(Hypervisor, KvmHypervisor, "kvm", "1.2.0");
#define GANTRY_PLUGIN(Interface, Impl, pluginName, pluginVersion)              \
  extern "C" GANTRY_SDK_API GANTRY_PLUGIN_DESCRIPTOR(                          \
      gantry_plugin_descriptor, Interface, Impl, pluginName, pluginVersion)
