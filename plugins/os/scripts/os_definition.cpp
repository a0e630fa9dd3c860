#include "os_definition.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include "python_text.h"

namespace gantry::plugins::os_scripts {
namespace {

namespace fs = std::filesystem;

// The order Ganeti checks the files in (a dict built from OS_SCRIPTS, then
// the two lists).
constexpr const char* kCheckedFiles[] = {
    kScriptCreate, kScriptCreateUntrusted, kScriptExport, kScriptImport,
    kScriptRename, kScriptVerify,          kVariantsFile, kParametersFile};

bool isScript(const std::string& file) {
  return file != kVariantsFile && file != kParametersFile;
}

LoadedOs invalid(LoadedOs os, std::string why) {
  os.definition.valid = false;
  os.definition.diagnose = std::move(why);
  os.apiVersion = 0;
  return os;
}

// Reads a whole file; errno on failure.
std::optional<std::string> readFile(const fs::path& path, int& err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    err = errno != 0 ? errno : EIO;
    return std::nullopt;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    err = EIO;
    return std::nullopt;
  }
  return ss.str();
}

// Python's int() on one stripped line: [+-]digits, '_' between digits.
std::optional<int> pythonInt(const std::string& text) {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  if (i >= text.size()) return std::nullopt;
  long long value = 0;
  bool lastDigit = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      value = value * 10 + (c - '0');
      if (value > 1000000000LL) return std::nullopt;  // no such API version
      lastDigit = true;
    } else if (c == '_' && lastDigit && i + 1 < text.size()) {
      lastDigit = false;
    } else {
      return std::nullopt;
    }
  }
  if (!lastDigit) return std::nullopt;
  return static_cast<int>(negative ? -value : value);
}

// Ganeti's _OSOndiskAPIVersion.
bool readApiVersions(LoadedOs& os, const fs::path& dir, std::string& why) {
  const fs::path file = dir / kApiFile;
  struct stat st{};
  if (::stat(file.c_str(), &st) != 0) {
    why = std::string("Required file '") + kApiFile + "' not found under path " +
          dir.string() + ": " + errnoName(errno);
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    why = std::string("File '") + kApiFile + "' in " + dir.string() +
          " is not a regular file";
    return false;
  }
  int err = 0;
  auto text = readFile(file, err);
  if (!text) {
    why = "Error while reading the API version file at " + file.string() + ": " +
          errnoName(err);
    return false;
  }
  for (const std::string& line : pythonSplitLines(*text)) {
    const std::string stripped = pythonStrip(line);
    auto version = pythonInt(stripped);
    if (!version) {
      why = "API version(s) can't be converted to integer: invalid literal for "
            "int() with base 10: " + pythonRepr(stripped);
      return false;
    }
    os.definition.apiVersions.push_back(*version);
  }
  return true;
}

std::string pythonList(const std::vector<int>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i != 0) out += ", ";
    out += std::to_string(values[i]);
  }
  return out + "]";
}

}  // namespace

int LoadedOs::maxDeclaredApi() const {
  const auto& v = definition.apiVersions;
  return v.empty() ? 0 : *std::max_element(v.begin(), v.end());
}

bool isValidOsName(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
  });
}

std::pair<std::string, std::string> splitOsName(std::string_view osName) {
  const auto plus = osName.find('+');
  if (plus == std::string_view::npos) return {std::string(osName), ""};
  return {std::string(osName.substr(0, plus)), std::string(osName.substr(plus + 1))};
}

std::string notFoundMessage(std::string_view name) {
  return "Directory for OS " + std::string(name) + " not found in search path";
}

LoadedOs loadOsDirectory(const std::string& name, const fs::path& dir) {
  LoadedOs os;
  os.definition.name = name;
  os.definition.path = dir;
  std::string why;
  if (!readApiVersions(os, dir, why)) return invalid(std::move(os), why);

  for (int v : os.definition.apiVersions) {
    if (std::find(std::begin(kApiVersions), std::end(kApiVersions), v) !=
        std::end(kApiVersions)) {
      os.apiVersion = std::max(os.apiVersion, v);
    }
  }
  if (os.apiVersion == 0) {
    // Python 3 prints the wanted frozenset in its hash order.
    return invalid(std::move(os), "API version mismatch for path '" + dir.string() +
                                      "': found " + pythonList(os.definition.apiVersions) +
                                      ", want frozenset({10, 20, 15}).");
  }

  // Required or not is decided by the highest declared version, as Ganeti does.
  const int maxApi = os.maxDeclaredApi();
  std::map<std::string, fs::path> present;
  for (const char* fileName : kCheckedFiles) {
    const std::string file = fileName;
    bool required = true;
    if (file == kScriptCreate || file == kScriptCreateUntrusted) required = false;
    if (file == kVariantsFile) {
      if (maxApi < kApiV15) continue;
      required = false;
    }
    if (file == kParametersFile && maxApi < kApiV20) continue;
    if (file == kScriptVerify && maxApi < kApiV20) continue;

    const fs::path path = dir / file;
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0) {
      const int err = errno;
      if (err == ENOENT && !required) continue;
      return invalid(std::move(os), "File '" + file + "' under path '" + dir.string() +
                                        "' is missing (" + errnoName(err) + ")");
    }
    if (!S_ISREG(st.st_mode)) {
      return invalid(std::move(os), "File '" + file + "' under path '" + dir.string() +
                                        "' is not a regular file");
    }
    if (isScript(file) && (st.st_mode & S_IXUSR) == 0) {
      return invalid(std::move(os), "File '" + file + "' under path '" + dir.string() +
                                        "' is not executable");
    }
    present[file] = path;
  }
  if (!present.count(kScriptCreate) && !present.count(kScriptCreateUntrusted)) {
    return invalid(std::move(os), "A create script (trusted or untrusted) under path '" +
                                      dir.string() + "' must exist");
  }

  if (auto it = present.find(kVariantsFile); it != present.end()) {
    int err = 0;
    auto text = readFile(it->second, err);
    if (!text && err != ENOENT) {
      return invalid(std::move(os), "Error while reading the OS variants file at " +
                                        it->second.string() + ": " + errnoName(err));
    }
    if (text) {
      for (const std::string& line : pythonSplitLines(*text)) {
        std::string v = pythonStrip(line);
        if (!v.empty() && v.front() != '#') os.definition.variants.push_back(std::move(v));
      }
    }
  }
  if (auto it = present.find(kParametersFile); it != present.end()) {
    int err = 0;
    auto text = readFile(it->second, err);
    if (!text) {
      return invalid(std::move(os), "Error while reading the OS parameters file at " +
                                        it->second.string() + ": " + errnoName(err));
    }
    int lineNo = 0;
    for (const std::string& line : pythonSplitLines(*text)) {
      ++lineNo;
      auto [pname, doc] = pythonSplitOnce(line);
      // Ganeti loads such a file and then fails every validation with
      // "list index out of range"; saying so here is more useful.
      if (pname.empty()) {
        return invalid(std::move(os), "Empty line " + std::to_string(lineNo) +
                                          " in the OS parameters file at " +
                                          it->second.string());
      }
      os.definition.parameters.emplace_back(std::move(pname), std::move(doc));
    }
  }

  for (auto& [file, path] : present) {
    if (isScript(file)) os.scripts[file] = path;
  }
  // Ganeti's objects.OS.IsTrusted: an untrusted script makes it untrusted.
  os.definition.trusted = !os.hasScript(kScriptCreateUntrusted);
  os.definition.valid = true;
  return os;
}

std::optional<LoadedOs> findOs(const std::string& name,
                               const std::vector<fs::path>& searchPath) {
  if (!isValidOsName(name)) return std::nullopt;
  std::optional<LoadedOs> found;
  for (const fs::path& base : searchPath) {
    std::error_code ec;
    const fs::path dir = base / name;
    if (!fs::is_directory(dir, ec)) continue;
    if (!found) {
      found = loadOsDirectory(name, dir);
    } else {
      found->definition.hiddenPaths.push_back(dir);
      LoadedOs hidden = loadOsDirectory(name, dir);
      found->definition.hiddenDiagnoses.push_back(
          hidden.definition.valid ? std::string() : hidden.definition.diagnose);
    }
  }
  return found;
}

std::vector<LoadedOs> scanOses(const std::vector<fs::path>& searchPath) {
  std::set<std::string> names;
  for (const fs::path& base : searchPath) {
    std::error_code ec;
    fs::directory_iterator it(base, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      std::error_code typeEc;
      const std::string name = it->path().filename().string();
      if (isValidOsName(name) && fs::is_directory(it->path(), typeEc)) names.insert(name);
    }
  }
  std::vector<LoadedOs> oses;
  for (const std::string& name : names) {
    if (auto os = findOs(name, searchPath)) oses.push_back(std::move(*os));
  }
  return oses;
}

}  // namespace gantry::plugins::os_scripts
