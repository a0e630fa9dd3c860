// gantry-cfgupgrade [--dry-run] [-f FILE | --root DIR]
// Upgrades a config.data written by Ganeti 2.7 ... 3.0 (or an older Gantry)
// to the 3.1 layout, in place: the old file is kept beside it as
// config.data-<old version>, the new one replaces it atomically. Prints
// every change it makes.
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/config/defaults.h"
#include "core/config/upgrade.h"
#include "core/util/atomic_file.h"

namespace {
namespace fs = std::filesystem;
namespace config = gantry::core::config;
using Json = nlohmann::json;

constexpr const char* kProgram = "gantry-cfgupgrade";

int usage(std::ostream& out, int code) {
  out << "Usage: " << kProgram << " [--dry-run] [-f FILE | --root DIR]\n"
      << "  -f, --file FILE  the config.data to upgrade\n"
      << "  --root DIR       use DIR/var/lib/gantry/config.data (default: "
         "$GANTRY_ROOT or /)\n"
      << "  --dry-run        show what would change, write nothing\n";
  return code;
}

int fail(const std::string& message) {
  std::cerr << kProgram << ": " << message << "\n";
  return 1;
}

std::optional<std::string> readFile(const fs::path& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "Cannot read " + path.string() + ": " + std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    error = "Cannot read " + path.string();
    return std::nullopt;
  }
  return text.str();
}

// config.data-<version>, or config.data-<version>.<n> when that is taken:
// an earlier backup is never overwritten.
fs::path backupPath(const fs::path& path, std::int64_t version) {
  const std::string base =
      path.string() + "-" + config::versionString(version);
  fs::path candidate = base;
  for (int n = 1; fs::exists(fs::symlink_status(candidate)); ++n) {
    candidate = base + "." + std::to_string(n);
  }
  return candidate;
}

}  // namespace

int main(int argc, char** argv) {
  bool dryRun = false;
  std::optional<fs::path> file;
  std::optional<fs::path> root;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> const char* {
      return i + 1 < argc ? argv[++i] : nullptr;
    };
    if (arg == "--dry-run") {
      dryRun = true;
    } else if (arg == "-f" || arg == "--file") {
      const char* v = value();
      if (v == nullptr) return usage(std::cerr, 2);
      file = v;
    } else if (arg == "--root") {
      const char* v = value();
      if (v == nullptr) return usage(std::cerr, 2);
      root = v;
    } else if (arg == "-h" || arg == "--help") {
      return usage(std::cout, 0);
    } else {
      std::cerr << kProgram << ": unknown argument '" << arg << "'\n";
      return usage(std::cerr, 2);
    }
  }
  if (file && root) {
    std::cerr << kProgram << ": -f and --root exclude each other\n";
    return usage(std::cerr, 2);
  }
  if (!file) {
    if (!root) {
      const char* env = std::getenv("GANTRY_ROOT");
      root = env != nullptr && *env != '\0' ? env : "/";
    }
    file = *root / "var/lib/gantry/config.data";
  }
  const fs::path path = *file;

  std::string error;
  const std::optional<std::string> original = readFile(path, error);
  if (!original) return fail(error);
  Json data = Json::parse(*original, nullptr, false);
  if (data.is_discarded()) {
    return fail(path.string() + " is not valid JSON");
  }

  auto report = config::upgradeConfig(data);
  if (!report) return fail(path.string() + ": " + report.error().message);
  const std::string from = config::versionString(report->fromVersion);
  const std::string to = config::versionString(config::kConfigVersion);
  if (!report->changed) {
    std::cout << path.string() << ": configuration version " << from
              << " is current; no changes necessary\n";
    return 0;
  }

  // Like Ganeti's cfgupgrade, test-load the result before writing it.
  if (auto loaded = config::loadConfigData(data); !loaded) {
    return fail(path.string() + ": the upgraded configuration does not load: " +
                loaded.error().message);
  }

  std::cout << "Upgrading " << path.string() << " from version " << from
            << " to " << to << (dryRun ? " (dry run)" : "") << ":\n";
  for (const auto& line : report->actions) std::cout << "  " << line << "\n";
  for (const auto& line : report->warnings) {
    std::cout << "  warning: " << line << "\n";
  }

  const fs::path backup = backupPath(path, report->fromVersion);
  if (dryRun) {
    std::cout << "Dry run: nothing written (the old file would be kept as "
              << backup.string() << ")\n";
    return 0;
  }

  struct stat st {};
  mode_t mode = 0640;
  if (::stat(path.c_str(), &st) == 0) mode = st.st_mode & 07777;
  try {
    gantry::core::util::atomicWriteFile(backup, *original, mode);
    gantry::core::util::atomicWriteFile(path, data.dump(2) + "\n", mode);
  } catch (const gantry::core::util::FileWriteError& e) {
    return fail(e.what());
  }
  std::cout << "Old configuration kept as " << backup.string() << "\n"
            << "Configuration upgraded to version " << to << ": "
            << path.string() << "\n";
  return 0;
}
