#include "core/rpc/node_files.h"

#include <algorithm>

namespace gantry::core::rpc {

namespace fs = std::filesystem;
using sdk::Error;
using sdk::ErrorCode;

namespace {

bool allDigits(std::string_view text, std::size_t maxLength) {
  return !text.empty() && text.size() <= maxLength &&
         std::all_of(text.begin(), text.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

// "job-<digits>" (job ids are at most 20 digits: uint64).
bool isJobFileName(std::string_view name) {
  constexpr std::string_view kPrefix = "job-";
  return name.substr(0, kPrefix.size()) == kPrefix &&
         allDigits(name.substr(kPrefix.size()), 20);
}

// "node-keys/<host name>.json": the node keys a master candidate needs to
// call the nodes once it is master.
bool isNodeKeyFileName(std::string_view name) {
  constexpr std::string_view kPrefix = "node-keys/";
  constexpr std::string_view kSuffix = ".json";
  if (name.size() <= kPrefix.size() + kSuffix.size() ||
      name.substr(0, kPrefix.size()) != kPrefix ||
      name.substr(name.size() - kSuffix.size()) != kSuffix) {
    return false;
  }
  const std::string_view host =
      name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  if (host.size() > 255 || host.front() == '.' || host.front() == '-') return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '-' || c == '_';
  });
}

}  // namespace

const std::vector<std::string>& uploadableFileNames() {
  static const std::vector<std::string> kNames = {
      "config.data",  "known_hosts", "cluster-curve.pub", "hmac.key",
      "cluster-domain-secret", "server.pem", "rapi.pem", "spice.pem",
      "spice-ca.pem", "rapi/users", "cluster-curve.key"};
  return kNames;
}

bool isValidSsconfKey(std::string_view key) {
  if (key.empty() || key.size() > 64) return false;
  if (key.front() < 'a' || key.front() > 'z') return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    // '-' for the per-hypervisor keys (hvparams_xen-pvm).
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

sdk::Result<fs::path> ssconfFilePath(const fs::path& dataDir,
                                     std::string_view key) {
  if (!isValidSsconfKey(key)) {
    return Error{ErrorCode::kInvalid,
                 "Invalid ssconf key '" + std::string(key) + "'"};
  }
  return dataDir / ("ssconf_" + std::string(key));
}

sdk::Result<fs::path> uploadFilePath(const fs::path& dataDir,
                                     std::string_view name) {
  const auto& names = uploadableFileNames();
  if (std::find(names.begin(), names.end(), name) != names.end()) {
    return dataDir / fs::path(std::string(name));
  }
  if (isNodeKeyFileName(name)) return dataDir / std::string(name);
  constexpr std::string_view kSsconf = "ssconf_";
  if (name.substr(0, kSsconf.size()) == kSsconf &&
      isValidSsconfKey(name.substr(kSsconf.size()))) {
    return dataDir / std::string(name);
  }
  if (name.empty() || name.find('/') != std::string_view::npos ||
      name.find('\0') != std::string_view::npos || name == "." || name == "..") {
    return Error{ErrorCode::kInvalid,
                 "File name '" + std::string(name) +
                     "' must be a plain name in the node's data directory"};
  }
  return Error{ErrorCode::kInvalid, "File '" + std::string(name) +
                                        "' is not one a node accepts through "
                                        "upload_file"};
}

sdk::Result<mode_t> uploadFileMode(std::int64_t mode) {
  if (mode < 0 || mode > 0777) {
    return Error{ErrorCode::kInvalid,
                 "Invalid file mode " + std::to_string(mode) +
                     ": only permission bits (0 to 0777) are allowed"};
  }
  return static_cast<mode_t>(mode);
}

fs::path queueDir(const fs::path& dataDir) { return dataDir / "queue"; }

sdk::Result<fs::path> queueUpdatePath(const fs::path& queueDirectory,
                                      std::string_view name) {
  if (name == "serial" || isJobFileName(name)) {
    return queueDirectory / std::string(name);
  }
  return Error{ErrorCode::kInvalid,
               "Job queue file '" + std::string(name) +
                   "' is not allowed (only 'job-<id>' and 'serial')"};
}

sdk::Result<fs::path> queueRenamePath(const fs::path& queueDirectory,
                                      std::string_view name) {
  if (isJobFileName(name)) return queueDirectory / std::string(name);
  constexpr std::string_view kArchive = "archive/";
  if (name.substr(0, kArchive.size()) == kArchive) {
    const std::string_view rest = name.substr(kArchive.size());
    const auto slash = rest.find('/');
    if (slash != std::string_view::npos && allDigits(rest.substr(0, slash), 20) &&
        isJobFileName(rest.substr(slash + 1))) {
      return queueDirectory / std::string(name);
    }
  }
  return Error{ErrorCode::kInvalid,
               "Job queue path '" + std::string(name) +
                   "' is not allowed (only 'job-<id>' and "
                   "'archive/<n>/job-<id>')"};
}

}  // namespace gantry::core::rpc
