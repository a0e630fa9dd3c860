// The only translation unit that includes Boost.DLL (it is slow to compile).
#include "core/plugins/registry.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdlib>
#include <fstream>
#include <string>
#include <system_error>
#include <unistd.h>

#include <boost/dll/library_info.hpp>
#include <boost/dll/shared_library.hpp>

namespace gantry::core::plugins {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kDescriptorMinSize =
    offsetof(GantryPluginDescriptor, destroy) + sizeof(void (*)(void*));

bool isElfFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::array<char, 4> magic{};
  if (!in.read(magic.data(), magic.size())) return false;
  return magic == std::array<char, 4>{'\x7f', 'E', 'L', 'F'};
}

// Lists exported symbols without running any code of the file.
sdk::Result<bool> exportsDescriptor(const fs::path& file) {
  try {
    boost::dll::library_info info(file);
    auto symbols = info.symbols();
    return std::find(symbols.begin(), symbols.end(),
                     GANTRY_PLUGIN_DESCRIPTOR_SYMBOL) != symbols.end();
  } catch (const std::exception& e) {
    return sdk::Error{sdk::ErrorCode::kInvalid,
                      std::string("cannot read its symbol table: ") + e.what()};
  }
}

std::string cString(const char* s) { return s == nullptr ? std::string() : s; }

}  // namespace

struct PluginRegistry::Entry {
  LoadedPlugin info;
  void* object = nullptr;
  void (*destroy)(void*) = nullptr;
  std::shared_ptr<void> library;  // keeps the code of object alive
};

std::string RefusedPlugin::describe() const {
  return file.string() + ": " + reason;
}

const std::vector<std::string>& knownPluginKinds() {
  static const std::vector<std::string> kinds = {"hypervisor", "storage",
                                                 "os", "iallocator"};
  return kinds;
}

PluginRegistry::PluginRegistry(sdk::Host* host) : host_(host) {}

PluginRegistry::~PluginRegistry() {
  // Objects go first, in reverse order of creation, while their libraries
  // are still mapped; the libraries are released after.
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if ((*it)->object != nullptr && (*it)->destroy != nullptr) {
      (*it)->destroy((*it)->object);
    }
  }
  entries_.clear();
}

fs::path PluginRegistry::builtinPluginDir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return GANTRY_INSTALL_PLUGIN_DIR;
  return (exe.parent_path() / ".." / "lib" / "gantry" / "plugins")
      .lexically_normal();
}

std::vector<fs::path> PluginRegistry::defaultSearchPath() {
  std::vector<fs::path> path;
  if (const char* env = std::getenv("GANTRY_PLUGIN_PATH")) {
    std::string value = env;
    std::size_t start = 0;
    while (start <= value.size()) {
      std::size_t end = value.find(':', start);
      if (end == std::string::npos) end = value.size();
      if (end > start) path.emplace_back(value.substr(start, end - start));
      start = end + 1;
    }
  }
  path.push_back(builtinPluginDir());
  return path;
}

void PluginRegistry::scan(const std::vector<fs::path>& directories) {
  for (const auto& dir : directories) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    // The directory itself and its kind subdirectories (plugins/<kind>/).
    std::vector<fs::path> files;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end;
         it.increment(ec)) {
      if (it.depth() > 1) {
        it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec) && it->path().extension() == ".so") {
        files.push_back(it->path());
      }
    }
    std::sort(files.begin(), files.end(), [&](const fs::path& a, const fs::path& b) {
      return a.lexically_relative(dir) < b.lexically_relative(dir);
    });
    for (const auto& file : files) loadFile(file);
  }
}

bool PluginRegistry::loadFile(const fs::path& file) {
  if (!isElfFile(file)) {
    refuse(file, "not an ELF shared object");
    return false;
  }
  auto hasDescriptor = exportsDescriptor(file);
  if (!hasDescriptor.ok()) {
    refuse(file, hasDescriptor.error().message);
    return false;
  }
  if (!*hasDescriptor) {
    refuse(file, "no plugin descriptor (symbol '" GANTRY_PLUGIN_DESCRIPTOR_SYMBOL
                 "' is not exported)");
    return false;
  }
  std::shared_ptr<boost::dll::shared_library> library;
  try {
    library = std::make_shared<boost::dll::shared_library>(
        file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    refuse(file, std::string("cannot be loaded: ") + e.what());
    return false;
  }
  libraries_.push_back(library);
  const GantryPluginDescriptor* descriptor = nullptr;
  try {
    descriptor = &library->get<const GantryPluginDescriptor>(
        GANTRY_PLUGIN_DESCRIPTOR_SYMBOL);
  } catch (const std::exception& e) {
    refuse(file, std::string("cannot read its plugin descriptor: ") + e.what());
    return false;
  }
  return admit(*descriptor, file, file.string(), library);
}

bool PluginRegistry::addBuiltin(const GantryPluginDescriptor& descriptor,
                                std::string_view origin) {
  return admit(descriptor, fs::path(), origin, nullptr);
}

bool PluginRegistry::admit(const GantryPluginDescriptor& d, const fs::path& file,
                           std::string_view origin,
                           std::shared_ptr<void> library) {
  const fs::path where = file.empty() ? fs::path(origin) : file;
  // Only the fields every ABI version has are read before these checks.
  if (d.struct_size < kDescriptorMinSize) {
    refuse(where, "plugin descriptor too small (" + std::to_string(d.struct_size) +
                      " bytes, expected at least " +
                      std::to_string(kDescriptorMinSize) + ")");
    return false;
  }
  if (d.abi_major != GANTRY_SDK_ABI_MAJOR) {
    refuse(where, "built for SDK ABI " + std::to_string(d.abi_major) + "." +
                      std::to_string(d.abi_minor) + ", expected ABI " +
                      std::to_string(GANTRY_SDK_ABI_MAJOR) + ".x");
    return false;
  }
  const std::string kind = cString(d.kind);
  const std::string name = cString(d.name);
  const auto& kinds = knownPluginKinds();
  if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
    refuse(where, "unknown plugin kind '" + kind + "'");
    return false;
  }
  if (name.empty()) {
    refuse(where, "plugin descriptor has no name");
    return false;
  }
  if (d.create == nullptr || d.destroy == nullptr) {
    refuse(where, "plugin descriptor has no create or destroy function");
    return false;
  }
  if (const LoadedPlugin* first = find(kind, name)) {
    refuse(where, "duplicate " + kind + " plugin '" + name +
                      "': already loaded from " +
                      (first->file.empty() ? std::string("a built-in descriptor")
                                           : first->file.string()));
    return false;
  }
  void* object = nullptr;
  try {
    object = d.create(host_);
  } catch (const std::exception& e) {
    refuse(where, "create function of " + kind + " plugin '" + name +
                      "' threw: " + e.what());
    return false;
  } catch (...) {
    refuse(where, "create function of " + kind + " plugin '" + name +
                      "' threw an exception");
    return false;
  }
  if (object == nullptr) {
    refuse(where, "create function of " + kind + " plugin '" + name +
                      "' returned null");
    return false;
  }
  auto entry = std::make_unique<Entry>();
  entry->info = LoadedPlugin{kind,        name,        cString(d.version),
                             d.abi_major, d.abi_minor, file};
  entry->object = object;
  entry->destroy = d.destroy;
  entry->library = std::move(library);
  loaded_.push_back(entry->info);
  entries_.push_back(std::move(entry));
  return true;
}

void PluginRegistry::refuse(const fs::path& file, std::string reason) {
  refused_.push_back(RefusedPlugin{file, std::move(reason)});
}

const LoadedPlugin* PluginRegistry::find(std::string_view kind,
                                         std::string_view name) const {
  for (const auto& p : loaded_) {
    if (p.kind == kind && p.name == name) return &p;
  }
  return nullptr;
}

std::vector<std::string> PluginRegistry::names(std::string_view kind) const {
  std::vector<std::string> result;
  for (const auto& p : loaded_) {
    if (p.kind == kind) result.push_back(p.name);
  }
  return result;
}

sdk::Result<void*> PluginRegistry::lookup(std::string_view kind,
                                          std::string_view name) const {
  for (const auto& e : entries_) {
    if (e->info.kind == kind && e->info.name == name) return e->object;
  }
  return sdk::Error{sdk::ErrorCode::kNotFound,
                    "no " + std::string(kind) + " plugin named '" +
                        std::string(name) + "' is loaded"};
}

}  // namespace gantry::core::plugins
