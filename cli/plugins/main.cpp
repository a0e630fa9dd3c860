// gantry-plugins [--root DIR] [--plugin-path DIR]... [--setting KEY=VALUE]...
//                [--exercise]
// Lists every plugin the kernel finds (GANTRY_PLUGIN_PATH left to right,
// then the built-in directory): what it loaded, with versions, and what it
// refused, with the reason.
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cli/plugins/exercise.h"
#include "core/plugins/daemon_host.h"
#include "core/plugins/registry.h"

namespace {
namespace fs = std::filesystem;
using gantry::core::plugins::PluginRegistry;

int usage(std::ostream& out, int code) {
  out << "Usage: gantry-plugins [--root DIR] [--plugin-path DIR]... "
         "[--setting KEY=VALUE]... [--exercise]\n";
  return code;
}

void printPlugins(const PluginRegistry& registry) {
  std::cout << "Loaded plugins:\n";
  if (registry.loaded().empty()) std::cout << "  (none)\n";
  for (const auto& p : registry.loaded()) {
    std::cout << "  " << std::left << std::setw(11) << p.kind << std::setw(12)
              << p.name << std::setw(10) << p.version << "ABI " << p.abiMajor
              << "." << p.abiMinor << "  "
              << (p.file.empty() ? std::string("(built in)") : p.file.string())
              << "\n";
  }
  std::cout << "Refused plugins:\n";
  if (registry.refused().empty()) std::cout << "  (none)\n";
  for (const auto& r : registry.refused()) {
    std::cout << "  " << r.describe() << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  fs::path root = "/";
  if (const char* env = std::getenv("GANTRY_ROOT")) root = env;
  std::vector<fs::path> extraDirs;
  std::map<std::string, std::string> settings;
  bool exercise = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) return nullptr;
      return argv[++i];
    };
    if (arg == "--root") {
      const char* v = value();
      if (v == nullptr) return usage(std::cerr, 2);
      root = v;
    } else if (arg == "--plugin-path") {
      const char* v = value();
      if (v == nullptr) return usage(std::cerr, 2);
      extraDirs.emplace_back(v);
    } else if (arg == "--setting") {
      const char* v = value();
      std::string kv = v == nullptr ? "" : v;
      auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) {
        std::cerr << "Error: --setting needs KEY=VALUE\n";
        return 2;
      }
      settings[kv.substr(0, eq)] = kv.substr(eq + 1);
    } else if (arg == "--exercise") {
      exercise = true;
    } else if (arg == "-h" || arg == "--help") {
      return usage(std::cout, 0);
    } else {
      std::cerr << "Error: unknown option '" << arg << "'\n";
      return usage(std::cerr, 2);
    }
  }

  auto paths = gantry::core::plugins::hostPathsForRoot(root);
  std::error_code ec;
  fs::create_directories(paths.fileStorageDir, ec);
  fs::create_directories(paths.runDir, ec);
  gantry::core::plugins::DaemonHost host(
      paths, settings, [](gantry::sdk::LogLevel, std::string_view line) {
        std::cerr << line << "\n";
      });
  PluginRegistry registry(&host);
  auto searchPath = PluginRegistry::defaultSearchPath();
  searchPath.insert(searchPath.begin(), extraDirs.begin(), extraDirs.end());
  registry.scan(searchPath);

  if (exercise) return gantry::cli::exercisePlugins(registry, std::cout, std::cerr);
  printPlugins(registry);
  return 0;
}
