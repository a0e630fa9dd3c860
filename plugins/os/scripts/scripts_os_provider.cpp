#include "scripts_os_provider.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <set>
#include <stdexcept>
#include <system_error>

#include "os_log.h"
#include "python_text.h"

namespace gantry::plugins::os_scripts {
namespace {

namespace fs = std::filesystem;
using sdk::Error;
using sdk::ErrorCode;

constexpr const char* kSettingSearchPath = "os.search_path";
constexpr const char* kSettingTimeout = "os.script_timeout";
// Ganeti runs OS scripts without a timeout; a day stands in for "never".
constexpr std::chrono::seconds kDefaultTimeout = std::chrono::hours(24);

std::vector<std::string> splitComma(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string part = pythonStrip(std::string_view(text).substr(start, comma - start));
    if (!part.empty()) out.push_back(std::move(part));
    start = comma + 1;
  }
  return out;
}

std::string osNameOf(const sdk::OsRequest& request) {
  return request.osName.empty() ? request.instance.os : request.osName;
}

// Public, then private, then (create only) secret parameters: later wins.
sdk::ParamMap mergedParams(const sdk::OsRequest& request, bool withSecret) {
  sdk::ParamMap params = request.osParams;
  for (const auto& [k, v] : request.osParamsPrivate) params[k] = v;
  if (withSecret) {
    for (const auto& [k, v] : request.osParamsSecret) params[k] = v;
  }
  return params;
}

std::string commaJoin(const std::set<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

}  // namespace

ScriptsOsProvider::ScriptsOsProvider(sdk::Host* host)
    : host_(host), timeout_(kDefaultTimeout) {
  if (host_ == nullptr) throw std::invalid_argument("ScriptsOsProvider needs a host");
  if (auto value = host_->setting(kSettingTimeout)) {
    long long seconds = 0;
    const char* end = value->data() + value->size();
    auto [ptr, ec] = std::from_chars(value->data(), end, seconds);
    if (ec == std::errc() && ptr == end && seconds > 0) {
      timeout_ = std::chrono::seconds(seconds);
    } else {
      host_->log(sdk::LogLevel::kError, "Invalid value '" + *value + "' for setting '" +
                                            kSettingTimeout + "': not a number of seconds");
    }
  }
}

std::vector<fs::path> ScriptsOsProvider::searchPath() const {
  std::vector<fs::path> dirs = host_->paths().osSearchPath;
  if (auto extra = host_->setting(kSettingSearchPath)) {
    for (const auto& dir : splitComma(*extra)) dirs.emplace_back(dir);
  }
  return dirs;
}

sdk::Result<std::vector<sdk::OsDefinition>> ScriptsOsProvider::listOses() {
  std::vector<sdk::OsDefinition> out;
  for (auto& os : scanOses(searchPath())) out.push_back(std::move(os.definition));
  return out;
}

sdk::Result<sdk::OsDefinition> ScriptsOsProvider::findOs(std::string_view name) {
  const std::string bare = splitOsName(name).first;
  auto os = os_scripts::findOs(bare, searchPath());
  if (!os) return Error{ErrorCode::kNotFound, notFoundMessage(bare)};
  return std::move(os->definition);
}

sdk::Result<LoadedOs> ScriptsOsProvider::loadValid(std::string_view osName) const {
  const std::string bare = splitOsName(osName).first;
  auto os = os_scripts::findOs(bare, searchPath());
  if (!os) return Error{ErrorCode::kNotFound, notFoundMessage(bare)};
  if (!os->definition.valid) return Error{ErrorCode::kEnvironment, os->definition.diagnose};
  return std::move(*os);
}

// --- validation (Ganeti's ValidateOS) -----------------------------------------

sdk::Result<void> ScriptsOsProvider::validate(std::string_view osName,
                                              const sdk::ParamMap& osParams,
                                              bool forceVariant) {
  auto os = loadValid(osName);
  if (!os) return std::move(os).error();
  const auto [name, variant] = splitOsName(osName);
  const auto& variants = os->definition.variants;
  if (!forceVariant) {
    if (variants.empty()) {
      if (!variant.empty()) {
        return Error{ErrorCode::kInvalid, "OS '" + name + "' does not support variants ('" +
                                              variant + "' passed)"};
      }
    } else if (variant.empty()) {
      return Error{ErrorCode::kInvalid,
                   "OS name '" + std::string(osName) + "' must include a variant"};
    } else if (std::find(variants.begin(), variants.end(), variant) == variants.end()) {
      return Error{ErrorCode::kInvalid,
                   "OS '" + name + "' does not support variant '" + variant + "'"};
    }
  }
  if (os->maxDeclaredApi() < kApiV20) return sdk::ok();

  std::set<std::string> unknown;
  for (const auto& [param, value] : osParams) {
    const bool known = std::any_of(os->definition.parameters.begin(),
                                   os->definition.parameters.end(),
                                   [&](const auto& p) { return p.first == param; });
    if (!known) unknown.insert(param);
  }
  if (!unknown.empty()) {
    return Error{ErrorCode::kInvalid, "The following parameters are not supported by the OS " +
                                          name + ": " + commaJoin(unknown)};
  }

  sdk::ProcessRequest run;
  run.argv = {os->scripts.at(kScriptVerify).string(), "parameters"};
  run.env = coreEnvironment(*os, osName, osParams, 0);
  run.cwd = os->definition.path;
  run.timeout = timeout_;
  auto result = host_->runProcess(run);
  if (!result) {
    return Error{ErrorCode::kEnvironment,
                 "OS validation script could not be run: " + result.error().message};
  }
  if (!result->succeeded()) {
    return Error{ErrorCode::kInvalid, "OS validation script failed (" + result->failReason() +
                                          "), output: " + result->out + result->err};
  }
  return sdk::ok();
}

// --- running scripts ------------------------------------------------------------

sdk::Result<void> ScriptsOsProvider::runLogged(const std::string& what,
                                               std::vector<std::string> argv, Environment env,
                                               bool inheritEnv, const fs::path& cwd,
                                               const fs::path& logFile, std::string* output,
                                               const StreamFiles& streams) {
  std::error_code ec;
  fs::create_directories(logFile.parent_path(), ec);
  if (ec) {
    return Error{ErrorCode::kEnvironment, "Cannot create the OS log directory '" +
                                              logFile.parent_path().string() +
                                              "': " + ec.message()};
  }
  fs::permissions(logFile.parent_path(), fs::perms(0750), ec);
  // Ganeti appends to the log file; a rerun in the same second shares it,
  // so only what this run adds is returned and quoted.
  const auto offset = fileSizeOrZero(logFile);
  sdk::ProcessRequest run;
  run.argv = std::move(argv);
  run.env = std::move(env);
  run.inheritEnv = inheritEnv;
  run.cwd = cwd;
  run.timeout = timeout_;
  run.outputFile = logFile;
  run.stdinFile = streams.stdinFile;
  run.stdoutFile = streams.stdoutFile;
  run.writeFds = streams.writeFds;
  host_->log(sdk::LogLevel::kDebug, "Running OS " + what + " script, output in '" +
                                        logFile.string() + "'");
  auto result = host_->runProcess(run);
  const std::string produced = readFrom(logFile, offset);
  if (output != nullptr) *output += produced;
  if (!result) {
    return Error{ErrorCode::kEnvironment,
                 "OS " + what + " script could not be run: " + result.error().message};
  }
  if (!result->succeeded()) {
    return Error{ErrorCode::kEnvironment, "OS " + what + " script failed (" +
                                              result->failReason() +
                                              "), last lines in the log file:\n" +
                                              lastLines(produced)};
  }
  return sdk::ok();
}

sdk::Result<void> ScriptsOsProvider::create(const sdk::OsRequest& request) {
  const std::string osName = osNameOf(request);
  auto os = loadValid(osName);
  if (!os) return std::move(os).error();
  if (!os->hasScript(kScriptCreate)) {
    return Error{ErrorCode::kEnvironment,
                 "OS '" + os->definition.name +
                     "' has only an untrusted create script, which runs in a helper "
                     "instance; this node cannot run it"};
  }
  auto logFile = osLogFile(host_->paths().logDir, "add", osName, request.instance.name, "",
                           std::chrono::system_clock::now());
  if (!logFile) return std::move(logFile).error();
  Environment env = instanceEnvironment(*os, request.instance, osName,
                                        mergedParams(request, true), request.debugLevel);
  if (request.reinstall) env["INSTANCE_REINSTALL"] = "1";
  return runLogged("create", {os->scripts.at(kScriptCreate).string()}, std::move(env),
                   false, os->definition.path, *logFile, request.output);
}

sdk::Result<void> ScriptsOsProvider::rename(const sdk::OsRequest& request) {
  const std::string osName = osNameOf(request);
  auto os = loadValid(osName);
  if (!os) return std::move(os).error();
  if (request.oldName.empty()) {
    return Error{ErrorCode::kInvalid, "OS rename of " + request.instance.name +
                                          " needs the instance's former name"};
  }
  auto logFile = osLogFile(host_->paths().logDir, "rename", osName,
                           request.oldName + "-" + request.instance.name, "",
                           std::chrono::system_clock::now());
  if (!logFile) return std::move(logFile).error();
  Environment env = instanceEnvironment(*os, request.instance, osName,
                                        mergedParams(request, false), request.debugLevel);
  env["OLD_INSTANCE_NAME"] = request.oldName;
  return runLogged("rename", {os->scripts.at(kScriptRename).string()}, std::move(env),
                   false, os->definition.path, *logFile, request.output);
}

sdk::Result<void> ScriptsOsProvider::importDisk(const sdk::OsRequest& request) {
  return transferDisk(request, true);
}

sdk::Result<void> ScriptsOsProvider::exportDisk(const sdk::OsRequest& request) {
  return transferDisk(request, false);
}

sdk::Result<void> ScriptsOsProvider::transferDisk(const sdk::OsRequest& request,
                                                  bool import) {
  const std::string what = import ? "import" : "export";
  const std::string osName = osNameOf(request);
  auto os = loadValid(osName);
  if (!os) return std::move(os).error();
  const auto& disks = request.instance.disks;
  if (request.diskIndex < 0 || static_cast<std::size_t>(request.diskIndex) >= disks.size()) {
    return Error{ErrorCode::kInvalid, "Instance " + request.instance.name + " has no disk " +
                                          std::to_string(request.diskIndex)};
  }
  if (request.streamFile.empty() || !request.streamFile.is_absolute()) {
    return Error{ErrorCode::kInvalid, "OS " + what + " needs an absolute stream file path"};
  }
  const std::string index = std::to_string(request.diskIndex);
  auto logFile = osLogFile(host_->paths().logDir, what, osName, request.instance.name,
                           "disk" + index, std::chrono::system_clock::now());
  if (!logFile) return std::move(logFile).error();

  // Import and export run under Ganeti's import-export daemon, which passes
  // on its own environment (plus LC_ALL=C) with the OS variables on top.
  Environment env =
      instanceEnvironment(*os, request.instance, osName, mergedParams(request, false), 0);
  env["LC_ALL"] = "C";
  env["EXP_SIZE_FD"] = "3";
  const std::string diskVar = "DISK_" + index + "_";
  if (import) {
    if (auto it = env.find(diskVar + "PATH"); it != env.end()) {
      env["IMPORT_DEVICE"] = it->second;
      env["IMPORT_DISK_PATH"] = it->second;
    }
    if (auto it = env.find(diskVar + "URI"); it != env.end()) env["IMPORT_DISK_URI"] = it->second;
    env["IMPORT_INDEX"] = index;
  } else {
    const auto& disk = disks[static_cast<std::size_t>(request.diskIndex)];
    const fs::path device = request.exportDevice.empty() ? disk.devicePath : request.exportDevice;
    const std::string uri = request.exportDevice.empty() ? disk.uri : request.exportUri;
    if (!device.empty()) {
      env["EXPORT_DEVICE"] = device.string();
      env["EXPORT_DISK_PATH"] = device.string();
    }
    if (!uri.empty()) env["EXPORT_DISK_URI"] = uri;
    env["EXPORT_INDEX"] = index;
  }

  // The expected size a script may announce on EXP_SIZE_FD lands here.
  static std::atomic<unsigned> counter{0};
  const fs::path sizeFile = host_->paths().runDir /
                            ("os-" + what + "-size-" + request.instance.name + "-" + index +
                             "-" + std::to_string(counter++));
  std::error_code ec;
  fs::create_directories(sizeFile.parent_path(), ec);
  StreamFiles streams;
  (import ? streams.stdinFile : streams.stdoutFile) = request.streamFile;
  streams.writeFds[3] = sizeFile;
  auto done = runLogged(what, {os->scripts.at(import ? kScriptImport : kScriptExport).string()},
                        std::move(env), true, os->definition.path, *logFile, request.output,
                        streams);
  const std::string announced = pythonStrip(readFrom(sizeFile, 0));
  fs::remove(sizeFile, ec);
  if (!announced.empty()) {
    host_->log(sdk::LogLevel::kDebug, "OS " + what + " script of " + request.instance.name +
                                          " announced " + announced + " bytes for disk " +
                                          index);
  }
  return done;
}

}  // namespace gantry::plugins::os_scripts
