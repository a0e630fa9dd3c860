#include "debootstrap_os_provider.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include "command_runner.h"
#include "disk_layout.h"
#include "guest_files.h"

namespace gantry::plugins::os_debootstrap {
namespace {
namespace fs = std::filesystem;
using sdk::Error;
using sdk::ErrorCode;

// The programs an install runs; the OS is invalid on a node without them.
const std::vector<std::string> kTools = {"debootstrap", "sfdisk", "wipefs", "losetup", "mount",
                                         "umount",      "tar",    "blkid",  "mkfs.ext4"};
// Where install tarballs are kept, when not under the node's root.
constexpr const char* kSettingCacheDir = "debootstrap.cache_dir";
constexpr auto kDebootstrapTimeout = std::chrono::hours(1);
constexpr auto kTarTimeout = std::chrono::minutes(20);

std::optional<fs::path> findTool(const std::string& name) {
  const char* env = std::getenv("PATH");
  std::string path = env != nullptr ? env : "";
  path += ":/usr/sbin:/usr/bin:/sbin:/bin";
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t colon = path.find(':', start);
    if (colon == std::string::npos) colon = path.size();
    const fs::path candidate = fs::path(path.substr(start, colon - start)) / name;
    if (colon > start && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = colon + 1;
  }
  return std::nullopt;
}

sdk::ParamMap mergedParams(const sdk::OsRequest& request) {
  sdk::ParamMap params = request.osParams;
  for (const auto& [k, v] : request.osParamsPrivate) params[k] = v;
  return params;
}

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

}  // namespace

DebootstrapOsProvider::DebootstrapOsProvider(sdk::Host* host) : host_(host) {
  if (host_ == nullptr) throw std::invalid_argument("DebootstrapOsProvider needs a host");
  defaults_ = machineDefaults();
}

fs::path DebootstrapOsProvider::cacheDir() const {
  if (auto dir = host_->setting(kSettingCacheDir); dir && !dir->empty()) return *dir;
  return host_->paths().root / "var/cache/gantry/debootstrap";
}

sdk::OsDefinition DebootstrapOsProvider::definition() const {
  sdk::OsDefinition os;
  os.name = kOsName;
  os.apiVersions = {20};
  os.variants = variants();
  os.parameters = parameterDocs();
  os.valid = true;
  std::vector<std::string> missing;
  for (const auto& tool : kTools) {
    if (!findTool(tool)) missing.push_back(tool);
  }
  os.path = findTool("debootstrap").value_or("/usr/sbin/debootstrap");
  if (!missing.empty()) {
    os.valid = false;
    os.diagnose = "missing programs on the node: " + joined(missing, ", ");
  }
  return os;
}

sdk::Result<std::vector<sdk::OsDefinition>> DebootstrapOsProvider::listOses() {
  return std::vector<sdk::OsDefinition>{definition()};
}

sdk::Result<sdk::OsDefinition> DebootstrapOsProvider::findOs(std::string_view name) {
  if (name.substr(0, name.find('+')) != kOsName) {
    return Error{ErrorCode::kNotFound, "OS '" + std::string(name) + "' not found"};
  }
  return definition();
}

sdk::Result<void> DebootstrapOsProvider::validate(std::string_view osName,
                                                  const sdk::ParamMap& osParams,
                                                  bool forceVariant) {
  const auto os = definition();
  if (!os.valid) return Error{ErrorCode::kEnvironment, os.diagnose};
  std::string name(osName);
  if (forceVariant) name = name.substr(0, name.find('+'));
  if (!forceVariant && variantOf(osName).empty()) {
    return Error{ErrorCode::kInvalid, "OS name '" + name + "' must include a variant"};
  }
  auto params = installParams(name, osParams, defaults_);
  if (!params) return std::move(params).error();
  return {};
}

sdk::Result<void> DebootstrapOsProvider::populate(CommandRunner& run, const InstallParams& params,
                                                  const fs::path& root) {
  const fs::path cache = cacheDir() / cacheKey(params);
  std::error_code ec;
  if (fs::exists(cache, ec)) {
    host_->log(sdk::LogLevel::kInfo, "debootstrap: unpacking the cached " + params.suite +
                                         " system " + cache.string());
    auto unpacked = run.run({"tar", "--numeric-owner", "-xpf", cache.string(), "-C", root.string()},
                            kTarTimeout);
    if (unpacked) return {};
    // A damaged tarball is dropped; debootstrap makes a new one.
    host_->log(sdk::LogLevel::kWarning, "debootstrap: unusable cache " + cache.string() + ": " +
                                            unpacked.error().message);
    fs::remove(cache, ec);
  }
  host_->log(sdk::LogLevel::kInfo, "debootstrap: installing " + params.suite + " from " +
                                       params.mirror + " (first install on this node)");
  std::vector<std::string> argv = {"debootstrap", "--variant=minbase"};
  if (!params.packages.empty()) argv.push_back("--include=" + joined(params.packages, ","));
  argv.insert(argv.end(), {params.suite, root.string(), params.mirror});
  if (auto installed = run.run(argv, kDebootstrapTimeout); !installed) {
    return std::move(installed).error();
  }
  fs::create_directories(cacheDir(), ec);
  const fs::path partial = cache.string() + ".partial-" + std::to_string(::getpid());
  auto packed = run.run({"tar", "--numeric-owner", "--one-file-system", "-cpf", partial.string(),
                         "-C", root.string(), "."},
                        kTarTimeout);
  if (packed) {
    fs::rename(partial, cache, ec);
  }
  if (!packed || ec) {
    host_->log(sdk::LogLevel::kWarning, "debootstrap: the install is not cached: " +
                                            (packed ? ec.message() : packed.error().message));
    fs::remove(partial, ec);
  }
  return {};
}

sdk::Result<void> DebootstrapOsProvider::create(const sdk::OsRequest& request) {
  const std::string osName = request.osName.empty() ? request.instance.os : request.osName;
  auto params = installParams(osName, mergedParams(request), defaults_);
  if (!params) return std::move(params).error();
  if (request.instance.disks.empty() || request.instance.disks[0].devicePath.empty()) {
    return Error{ErrorCode::kInvalid,
                 "Instance " + request.instance.name + " has no disk to install Debian on"};
  }
  const fs::path disk = request.instance.disks[0].devicePath;
  CommandRunner run(*host_);
  auto installed = [&]() -> sdk::Result<void> {
    auto span = partitionDisk(run, disk, params->partitionStyle);
    if (!span) return std::move(span).error();
    auto loop = LoopDevice::attach(run, disk, *span);
    if (!loop) return std::move(loop).error();
    if (auto made = run.run({"mkfs." + params->filesystem, "-q", "-F", (*loop)->path()});
        !made) {
      return std::move(made).error();
    }
    auto uuid = run.run({"blkid", "-o", "value", "-s", "UUID", (*loop)->path()});
    if (!uuid) return std::move(uuid).error();
    auto mounted = MountedFilesystem::mount(run, (*loop)->path(),
                                            host_->paths().runDir / "os-debootstrap");
    if (!mounted) return std::move(mounted).error();
    if (auto filled = populate(run, *params, (*mounted)->path()); !filled) return filled;
    return configureGuest((*mounted)->path(), {request.instance.name, trimmedOutput(*uuid),
                                               params->filesystem, params->mirror,
                                               params->suite});
  }();
  if (request.output != nullptr) *request.output += run.transcript();
  if (!installed) {
    return Error{installed.error().code, "debootstrap install of " + request.instance.name +
                                             " failed: " + installed.error().message};
  }
  return {};
}

sdk::Result<void> DebootstrapOsProvider::rename(const sdk::OsRequest& request) {
  if (request.instance.disks.empty() || request.instance.disks[0].devicePath.empty()) {
    return Error{ErrorCode::kInvalid, "Instance " + request.instance.name + " has no disk"};
  }
  const fs::path disk = request.instance.disks[0].devicePath;
  CommandRunner run(*host_);
  auto renamed = [&]() -> sdk::Result<void> {
    auto span = rootSpan(run, disk);
    if (!span) return std::move(span).error();
    auto loop = LoopDevice::attach(run, disk, *span);
    if (!loop) return std::move(loop).error();
    auto mounted = MountedFilesystem::mount(run, (*loop)->path(),
                                            host_->paths().runDir / "os-debootstrap");
    if (!mounted) return std::move(mounted).error();
    return renameGuest((*mounted)->path(), request.oldName, request.instance.name);
  }();
  if (request.output != nullptr) *request.output += run.transcript();
  return renamed;
}

sdk::Result<void> DebootstrapOsProvider::copyDisk(const sdk::OsRequest& request, bool import) {
  const auto index = static_cast<std::size_t>(request.diskIndex);
  if (index >= request.instance.disks.size()) {
    return Error{ErrorCode::kInvalid, "Instance " + request.instance.name + " has no disk " +
                                          std::to_string(request.diskIndex)};
  }
  if (!request.streamFile.is_absolute()) {
    return Error{ErrorCode::kInvalid, "OS import/export needs an absolute stream file path"};
  }
  fs::path device = request.instance.disks[index].devicePath;
  if (!import && !request.exportDevice.empty()) device = request.exportDevice;
  const fs::path from = import ? request.streamFile : device;
  const fs::path to = import ? device : request.streamFile;
  std::ifstream in(from, std::ios::binary);
  // A disk is written in place (a device cannot be truncated); a stream
  // file is made anew.
  std::fstream out(to, import ? std::ios::binary | std::ios::in | std::ios::out
                              : std::ios::binary | std::ios::out | std::ios::trunc);
  if (!in || !out) {
    return Error{ErrorCode::kEnvironment, "Cannot open " + (!in ? from : to).string()};
  }
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    out.write(buffer.data(), in.gcount());
    if (!out) return Error{ErrorCode::kEnvironment, "Cannot write " + to.string()};
  }
  out.flush();
  if (!out) return Error{ErrorCode::kEnvironment, "Cannot write " + to.string()};
  return {};
}

sdk::Result<void> DebootstrapOsProvider::importDisk(const sdk::OsRequest& request) {
  return copyDisk(request, true);
}

sdk::Result<void> DebootstrapOsProvider::exportDisk(const sdk::OsRequest& request) {
  return copyDisk(request, false);
}

}  // namespace gantry::plugins::os_debootstrap
