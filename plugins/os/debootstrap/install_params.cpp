#include "install_params.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <sstream>

namespace gantry::plugins::os_debootstrap {
namespace {
namespace fs = std::filesystem;
using sdk::Error;
using sdk::ErrorCode;

// What the "default" variant adds to minbase so the result boots to a
// login prompt on its serial console.
const std::vector<std::string> kBootablePackages = {"systemd-sysv", "udev"};

std::string readText(const fs::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::istringstream in{std::string(text)};
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

std::vector<std::string> lines(std::string_view text) {
  std::vector<std::string> out;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool allOf(std::string_view text, std::string_view allowed) {
  return !text.empty() && text.find_first_not_of(allowed) == std::string_view::npos;
}

constexpr std::string_view kLower = "abcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kDigits = "0123456789";

bool validSuite(std::string_view s) {
  return allOf(s, std::string(kLower) + std::string(kDigits) + "-");
}
// Debian policy: lowercase letters, digits, + - . ; at least two long,
// starting with a letter or digit (so never an option).
bool validPackage(std::string_view s) {
  const std::string alnum = std::string(kLower) + std::string(kDigits);
  return s.size() >= 2 && alnum.find(s[0]) != std::string::npos && allOf(s, alnum + "+-.");
}
bool validMirror(std::string_view s) {
  const bool scheme =
      s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0 || s.rfind("file:///", 0) == 0;
  return scheme && s.find_first_of(" \t\r\n'\"\\") == std::string_view::npos;
}

Error invalid(const std::string& param, const std::string& value, const std::string& why) {
  return Error{ErrorCode::kInvalid,
               "Invalid value '" + value + "' for OS parameter '" + param + "': " + why};
}

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace

const std::vector<std::string>& variants() {
  static const std::vector<std::string> kVariants = {"default", "minbase"};
  return kVariants;
}

const std::vector<std::pair<std::string, std::string>>& parameterDocs() {
  static const std::vector<std::pair<std::string, std::string>> kDocs = {
      {"suite", "Debian suite to install (default: the node's own)"},
      {"mirror", "Debian mirror URL (default: the node's apt source)"},
      {"extra_packages", "Comma-separated packages to install as well (e.g. a kernel)"},
      {"partition_style",
       "msdos (one root partition, the default) or none (filesystem on "
       "the whole disk)"},
      {"filesystem", "Root filesystem: ext4 (default), ext3 or ext2"},
  };
  return kDocs;
}

std::optional<std::string> codenameFromOsRelease(std::string_view text) {
  for (const auto& line : lines(text)) {
    if (line.rfind("VERSION_CODENAME=", 0) != 0) continue;
    std::string value = line.substr(17);
    value.erase(std::remove(value.begin(), value.end(), '"'), value.end());
    if (validSuite(value)) return value;
  }
  return std::nullopt;
}

std::optional<std::string> mirrorFromDeb822(std::string_view text, std::string_view suite) {
  // Stanzas are separated by blank lines; fields are "Name: value".
  std::vector<std::string> uris;
  std::vector<std::string> suites;
  bool isDeb = false;
  auto finish = [&]() -> std::optional<std::string> {
    const bool matches = std::find(suites.begin(), suites.end(), suite) != suites.end();
    std::optional<std::string> found;
    if (isDeb && matches && !uris.empty()) found = uris.front();
    uris.clear();
    suites.clear();
    isDeb = false;
    return found;
  };
  for (const auto& line : lines(text)) {
    if (line.find_first_not_of(" \t") == std::string::npos) {
      if (auto found = finish()) return found;
      continue;
    }
    if (line[0] == '#') continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string field = line.substr(0, colon);
    const auto values = words(std::string_view(line).substr(colon + 1));
    if (field == "Types") isDeb = std::find(values.begin(), values.end(), "deb") != values.end();
    if (field == "URIs") uris = values;
    if (field == "Suites") suites = values;
  }
  return finish();
}

std::optional<std::string> mirrorFromOneLine(std::string_view text, std::string_view suite) {
  for (const auto& line : lines(text)) {
    auto w = words(line);
    if (w.empty() || w[0] != "deb") continue;
    std::size_t i = 1;
    if (i < w.size() && w[i].rfind('[', 0) == 0) {  // [ options ]
      while (i < w.size() && w[i].find(']') == std::string::npos) ++i;
      ++i;
    }
    if (i + 1 < w.size() && w[i + 1] == suite) return w[i];
  }
  return std::nullopt;
}

MachineDefaults machineDefaults(const fs::path& etc) {
  MachineDefaults defaults;
  if (auto suite = codenameFromOsRelease(readText(etc / "os-release"))) defaults.suite = *suite;
  std::vector<fs::path> sources = {etc / "apt/sources.list"};
  std::error_code ec;
  std::vector<fs::path> parts;
  for (const auto& entry : fs::directory_iterator(etc / "apt/sources.list.d", ec)) {
    parts.push_back(entry.path());
  }
  std::sort(parts.begin(), parts.end());
  sources.insert(sources.end(), parts.begin(), parts.end());
  for (const auto& file : sources) {
    const std::string text = readText(file);
    std::optional<std::string> mirror;
    if (file.extension() == ".sources") mirror = mirrorFromDeb822(text, defaults.suite);
    if (file.extension() == ".list") mirror = mirrorFromOneLine(text, defaults.suite);
    if (mirror && validMirror(*mirror)) {
      defaults.mirror = *mirror;
      break;
    }
  }
  return defaults;
}

std::string variantOf(std::string_view osName) {
  const auto plus = osName.find('+');
  return plus == std::string_view::npos ? "" : std::string(osName.substr(plus + 1));
}

sdk::Result<InstallParams> installParams(std::string_view osName, const sdk::ParamMap& params,
                                         const MachineDefaults& defaults) {
  InstallParams out;
  out.variant = variantOf(osName);
  if (out.variant.empty()) out.variant = variants().front();
  if (std::find(variants().begin(), variants().end(), out.variant) == variants().end()) {
    return Error{ErrorCode::kInvalid, "OS '" + std::string(kOsName) +
                                          "' does not support variant '" + out.variant + "'"};
  }
  for (const auto& [name, value] : params) {
    const bool known = std::any_of(parameterDocs().begin(), parameterDocs().end(),
                                   [&](const auto& doc) { return doc.first == name; });
    if (!known) {
      return Error{ErrorCode::kInvalid, "The following parameters are not supported by the OS " +
                                            std::string(kOsName) + ": " + name};
    }
  }
  auto text = [&](const char* name, const std::string& fallback) {
    auto value = sdk::paramString(params, name);
    return value && !value->empty() ? *value : fallback;
  };
  out.suite = text("suite", defaults.suite);
  if (!validSuite(out.suite)) return invalid("suite", out.suite, "not a Debian suite name");
  out.mirror = text("mirror", defaults.mirror);
  if (!validMirror(out.mirror)) {
    return invalid("mirror", out.mirror, "expected an http://, https:// or file:/// URL");
  }
  out.partitionStyle = text("partition_style", "msdos");
  if (out.partitionStyle != "msdos" && out.partitionStyle != "none") {
    return invalid("partition_style", out.partitionStyle, "expected msdos or none");
  }
  out.filesystem = text("filesystem", "ext4");
  if (out.filesystem != "ext4" && out.filesystem != "ext3" && out.filesystem != "ext2") {
    return invalid("filesystem", out.filesystem, "expected ext4, ext3 or ext2");
  }
  if (out.variant == "default") out.packages = kBootablePackages;
  std::string extra = text("extra_packages", "");
  std::replace(extra.begin(), extra.end(), ',', ' ');
  for (const auto& package : words(extra)) {
    if (!validPackage(package)) return invalid("extra_packages", package, "not a package name");
    if (std::find(out.packages.begin(), out.packages.end(), package) == out.packages.end()) {
      out.packages.push_back(package);
    }
  }
  return out;
}

std::string cacheKey(const InstallParams& params) {
  std::vector<std::string> packages = params.packages;
  std::sort(packages.begin(), packages.end());
  std::string what = params.suite + "\n" + params.mirror + "\n" + params.variant;
  for (const auto& p : packages) what += "\n" + p;
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(fnv1a(what)));
  return params.suite + "-" + params.variant + "-" + hex + ".tar";
}

}  // namespace gantry::plugins::os_debootstrap
