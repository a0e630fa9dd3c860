#include "fake_hypervisor.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <system_error>

namespace gantry::plugins::fake {
namespace {

namespace fs = std::filesystem;
using sdk::Error;
using sdk::ErrorCode;

constexpr const char* kMigrationMode = "migration_mode";
constexpr const char* kMigrationModes[] = {"live", "non-live"};
constexpr const char* kConsoleMessage = "Console not available for fake hypervisor";

std::string str(std::string_view s) { return std::string(s); }

bool unspecified(const sdk::ParamValue& value) {
  if (std::holds_alternative<std::monostate>(value)) return true;
  const auto* s = std::get_if<std::string>(&value);
  return s != nullptr && s->empty();
}

bool isMigrationMode(const sdk::ParamValue& value) {
  const auto* s = std::get_if<std::string>(&value);
  if (s == nullptr) return false;
  return std::any_of(std::begin(kMigrationModes), std::end(kMigrationModes),
                     [&](const char* mode) { return *s == mode; });
}

std::string joinedModes() {
  std::string out;
  for (const char* mode : kMigrationModes) {
    if (!out.empty()) out += ", ";
    out += mode;
  }
  return out;
}

// Prefixes an I/O error with what was being done, Ganeti style:
// "Failed to start instance inst1: Permission denied: '/...'".
Error withContext(const std::string& context, const Error& error) {
  return {error.code, context + ": " + error.message};
}

}  // namespace

FakeHypervisor::FakeHypervisor(sdk::Host* host)
    : host_(host),
      stateDir_(host != nullptr ? host->paths().runDir / "fake-hypervisor" : fs::path()),
      settings_(host != nullptr ? readNodeSettings(*host)
                                : sdk::Result<NodeSettings>(NodeSettings{})) {
  if (host_ == nullptr) throw std::invalid_argument("FakeHypervisor needs a host");
  // Ganeti creates the dir whenever the hypervisor object is made; a failure
  // here is reported by verify() and by the first write.
  std::error_code ec;
  fs::create_directories(stateDir_, ec);
  if (ec) {
    host_->log(sdk::LogLevel::kWarning, "Cannot create directory '" +
                                            stateDir_.string() + "': " + ec.message());
  }
  if (!settings_) host_->log(sdk::LogLevel::kError, settings_.error().message);
}

// --- parameters ------------------------------------------------------------

std::vector<sdk::ParamSpec> FakeHypervisor::parameters() const {
  return {{kMigrationMode, sdk::ParamSpec::Type::kString, std::string("live"),
           true, "Migration mode: " + joinedModes()}};
}

sdk::Result<void> FakeHypervisor::checkParameters(
    const sdk::ParamMap& hvparams) const {
  const auto specs = parameters();
  for (const auto& [key, value] : hvparams) {
    const bool known = std::any_of(specs.begin(), specs.end(),
                                   [&](const sdk::ParamSpec& s) { return s.name == key; });
    if (!known) {
      return Error{ErrorCode::kInvalid, "Parameter '" + key + "' is not supported"};
    }
  }
  for (const auto& spec : specs) {
    auto it = hvparams.find(spec.name);
    if (it == hvparams.end()) {
      return Error{ErrorCode::kInvalid, "Parameter '" + spec.name + "' is missing"};
    }
    if (unspecified(it->second)) {
      if (!spec.required) continue;
      return Error{ErrorCode::kInvalid, "Parameter '" + spec.name +
                                            "' is required but is currently not defined"};
    }
    if (!isMigrationMode(it->second)) {
      return Error{ErrorCode::kInvalid,
                   "Parameter '" + spec.name + "' fails syntax check: The value must be one of: " +
                       joinedModes() + " (current value: '" +
                       sdk::paramToString(it->second) + "')"};
    }
  }
  return sdk::ok();
}

sdk::Result<void> FakeHypervisor::validateParameters(const sdk::ParamMap&) {
  // Nothing on the node to look at: migration_mode is checked on the master.
  return sdk::ok();
}

// --- state files (mutex_ held) ---------------------------------------------

fs::path FakeHypervisor::fileOf(std::string_view name) const {
  return stateDir_ / fs::path(str(name));
}

sdk::Result<std::optional<StateRecord>> FakeHypervisor::readRecord(
    std::string_view name) const {
  auto text = readStateFile(fileOf(name));
  if (!text) return std::move(text).error();
  if (!*text) return std::optional<StateRecord>{};
  auto record = parseState(**text);
  if (!record) {
    return Error{ErrorCode::kFault,
                 "Malformed state file: '" + fileOf(name).string() + "'"};
  }
  return std::optional<StateRecord>{*record};
}

sdk::Result<void> FakeHypervisor::writeRecord(std::string_view name,
                                              const StateRecord& record) {
  std::error_code ec;
  fs::create_directories(stateDir_, ec);
  if (ec) {
    return Error{ErrorCode::kEnvironment,
                 ec.message() + ": '" + stateDir_.string() + "'"};
  }
  return writeStateFile(fileOf(name), formatState(record));
}

sdk::Result<bool> FakeHypervisor::isAlive(std::string_view name) const {
  std::error_code ec;
  const auto status = fs::symlink_status(fileOf(name), ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return Error{ErrorCode::kEnvironment,
                 ec.message() + ": '" + fileOf(name).string() + "'"};
  }
  return fs::exists(status);
}

sdk::Result<std::vector<sdk::InstanceInfo>> FakeHypervisor::allInfo() const {
  auto names = listStateFiles(stateDir_);
  if (!names) return std::move(names).error();
  std::vector<sdk::InstanceInfo> infos;
  for (const auto& name : *names) {
    auto record = readRecord(name);
    if (!record) return std::move(record).error();
    // Gone between the listing and the read: stopped meanwhile.
    if (!*record) continue;
    infos.push_back({name, (*record)->id, (*record)->memoryMiB, (*record)->vcpus,
                     sdk::InstanceState::kRunning, 0.0});
  }
  return infos;
}

sdk::Result<sdk::NodeResources> FakeHypervisor::resources() const {
  if (!settings_) return settings_.error();
  auto infos = allInfo();
  if (!infos) return withContext("Failed to list instances", infos.error());
  std::int64_t used = 0;
  for (const auto& info : *infos) used += std::max<std::int64_t>(info.memoryMiB, 0);
  const NodeSettings& s = *settings_;
  sdk::NodeResources r;
  r.memoryTotalMiB = s.memoryTotalMiB;
  r.memoryDom0MiB = s.memoryDom0MiB;
  const std::int64_t available = s.memoryTotalMiB - s.memoryDom0MiB - s.memoryHvMiB;
  r.memoryFreeMiB = available - std::min(available, used);
  r.memoryHvMiB = s.memoryHvMiB;
  r.cpuTotal = s.cpuTotal;
  r.cpuDom0 = s.cpuDom0;
  r.cpuNodes = 1;
  r.cpuSockets = 1;
  return r;
}

// Ganeti's _InstanceStartupMemory, used when the master did not fill in the
// startup memory: max(minmem, min(maxmem, node memory_free)).
sdk::Result<std::int64_t> FakeHypervisor::startupMemory(
    const sdk::InstanceSpec& instance) const {
  if (instance.startupMemoryMiB > 0) return instance.startupMemoryMiB;
  auto maxmem = sdk::paramInt(instance.beparams, "maxmem");
  if (!maxmem) maxmem = sdk::paramInt(instance.beparams, "memory");
  if (!maxmem || *maxmem <= 0) {
    return Error{ErrorCode::kInvalid,
                 "Failed to start instance " + instance.name +
                     ": no memory size given (startup memory or beparam 'maxmem')"};
  }
  const std::int64_t minmem =
      sdk::paramInt(instance.beparams, "minmem").value_or(*maxmem);
  auto node = resources();
  const std::int64_t free = node ? node->memoryFreeMiB : *maxmem;
  return std::max(minmem, std::min(*maxmem, free));
}

sdk::Result<void> FakeHypervisor::markUp(const sdk::InstanceSpec& instance,
                                         std::int64_t memoryMiB) {
  std::int64_t vcpus = instance.vcpus;
  if (vcpus <= 0) vcpus = sdk::paramInt(instance.beparams, "vcpus").value_or(1);
  return writeRecord(instance.name, StateRecord{0, memoryMiB, vcpus});
}

// --- lifecycle -------------------------------------------------------------

sdk::Result<void> FakeHypervisor::startInstance(const sdk::InstanceSpec& instance,
                                                bool /*paused*/) {
  if (auto valid = checkInstanceName(instance.name); !valid) return valid;
  std::lock_guard lock(mutex_);
  const std::string context = "Failed to start instance " + instance.name;
  auto alive = isAlive(instance.name);
  if (!alive) return withContext(context, alive.error());
  if (*alive) return Error{ErrorCode::kState, context + ": already running"};
  auto memory = startupMemory(instance);
  if (!memory) return std::move(memory).error();
  if (auto up = markUp(instance, *memory); !up) return withContext(context, up.error());
  host_->log(sdk::LogLevel::kInfo, "Started fake instance " + instance.name + " with " +
                                       std::to_string(*memory) + " MiB");
  return sdk::ok();
}

sdk::Result<void> FakeHypervisor::stopInstance(const sdk::InstanceSpec& instance,
                                               sdk::StopMode /*mode*/,
                                               std::chrono::seconds /*timeout*/) {
  if (auto valid = checkInstanceName(instance.name); !valid) return valid;
  std::lock_guard lock(mutex_);
  // Ganeti's hv_fake refuses to stop a stopped instance, but its node RPC
  // checks first and reports success; the SDK promises the latter.
  if (auto down = removeStateFile(fileOf(instance.name)); !down) {
    return withContext("Failed to stop instance " + instance.name, down.error());
  }
  return sdk::ok();
}

sdk::Result<void> FakeHypervisor::rebootInstance(const sdk::InstanceSpec& instance,
                                                 sdk::RebootType type) {
  if (auto valid = checkInstanceName(instance.name); !valid) return valid;
  std::lock_guard lock(mutex_);
  const std::string context = "Failed to reboot instance " + instance.name;
  auto alive = isAlive(instance.name);
  if (!alive) return withContext(context, alive.error());
  if (!*alive) {
    return Error{ErrorCode::kState,
                 "Cannot reboot instance " + instance.name + " that is not running"};
  }
  // Soft and hard reboots leave a fake guest as it was. A full reboot is a
  // stop and a start, so the memory is the startup memory again.
  if (type == sdk::RebootType::kFull) {
    if (auto down = removeStateFile(fileOf(instance.name)); !down) {
      return withContext(context, down.error());
    }
    auto memory = startupMemory(instance);
    if (!memory) return std::move(memory).error();
    if (auto up = markUp(instance, *memory); !up) return withContext(context, up.error());
  }
  return sdk::ok();
}

sdk::Result<void> FakeHypervisor::cleanupInstance(std::string_view name) {
  // A stopped fake instance leaves nothing behind.
  return checkInstanceName(name);
}

// --- queries ---------------------------------------------------------------

sdk::Result<std::vector<std::string>> FakeHypervisor::listInstances() {
  std::lock_guard lock(mutex_);
  auto names = listStateFiles(stateDir_);
  if (!names) return withContext("Failed to list instances", names.error());
  return names;
}

sdk::Result<std::optional<sdk::InstanceInfo>> FakeHypervisor::instanceInfo(
    std::string_view name) {
  if (auto valid = checkInstanceName(name); !valid) return std::move(valid).error();
  std::lock_guard lock(mutex_);
  auto record = readRecord(name);
  if (!record) return withContext("Failed to list instance " + str(name), record.error());
  if (!*record) return std::optional<sdk::InstanceInfo>{};
  return std::optional<sdk::InstanceInfo>{
      sdk::InstanceInfo{str(name), (*record)->id, (*record)->memoryMiB,
                        (*record)->vcpus, sdk::InstanceState::kRunning, 0.0}};
}

sdk::Result<std::vector<sdk::InstanceInfo>> FakeHypervisor::allInstancesInfo() {
  std::lock_guard lock(mutex_);
  auto infos = allInfo();
  if (!infos) return withContext("Failed to list instances", infos.error());
  return infos;
}

sdk::Result<sdk::NodeResources> FakeHypervisor::nodeResources() {
  std::lock_guard lock(mutex_);
  return resources();
}

sdk::Result<sdk::ConsoleInfo> FakeHypervisor::console(const sdk::InstanceSpec& instance) {
  sdk::ConsoleInfo info;
  info.kind = sdk::ConsoleInfo::Kind::kMessage;
  info.instance = instance.name;
  info.message = kConsoleMessage;
  return info;
}

sdk::Result<void> FakeHypervisor::verify() {
  std::lock_guard lock(mutex_);
  if (!settings_) return settings_.error();
  std::error_code ec;
  if (!fs::is_directory(stateDir_, ec)) {
    return Error{ErrorCode::kEnvironment,
                 "The required directory '" + stateDir_.string() + "' does not exist"};
  }
  return sdk::ok();
}

sdk::Result<void> FakeHypervisor::balloonMemory(const sdk::InstanceSpec& instance,
                                                std::int64_t memoryMiB) {
  if (auto valid = checkInstanceName(instance.name); !valid) return valid;
  std::lock_guard lock(mutex_);
  const std::string context = "Failed to balloon memory for " + instance.name;
  if (memoryMiB <= 0) {
    return Error{ErrorCode::kInvalid,
                 context + ": invalid memory size " + std::to_string(memoryMiB)};
  }
  auto alive = isAlive(instance.name);
  if (!alive) return withContext(context, alive.error());
  if (!*alive) return Error{ErrorCode::kState, context + ": not running"};
  if (auto up = markUp(instance, memoryMiB); !up) return withContext(context, up.error());
  return sdk::ok();
}

// --- migration -------------------------------------------------------------

sdk::Result<std::string> FakeHypervisor::migrationInfo(const sdk::InstanceSpec& instance) {
  if (auto valid = checkInstanceName(instance.name); !valid) return std::move(valid).error();
  // Nothing needs to travel to the target.
  return std::string();
}

sdk::Result<void> FakeHypervisor::acceptInstance(const sdk::InstanceSpec& instance,
                                                 std::string_view /*info*/,
                                                 std::string_view /*targetAddress*/) {
  if (auto valid = checkInstanceName(instance.name); !valid) return valid;
  std::lock_guard lock(mutex_);
  auto alive = isAlive(instance.name);
  if (!alive) return withContext("Can't accept instance", alive.error());
  if (*alive) return Error{ErrorCode::kState, "Can't accept instance, already running"};
  return sdk::ok();
}

sdk::Result<void> FakeHypervisor::migrateInstance(const sdk::InstanceSpec& instance,
                                                  std::string_view targetAddress,
                                                  bool live) {
  if (auto valid = checkInstanceName(instance.name); !valid) return valid;
  host_->log(sdk::LogLevel::kDebug, "Fake hypervisor migrating " + instance.name +
                                        " to " + str(targetAddress) +
                                        " (live=" + (live ? "True" : "False") + ")");
  return sdk::ok();
}

sdk::Result<sdk::MigrationStatus> FakeHypervisor::migrationStatus(
    const sdk::InstanceSpec& instance) {
  if (auto valid = checkInstanceName(instance.name); !valid) return std::move(valid).error();
  sdk::MigrationStatus status;
  status.state = sdk::MigrationStatus::State::kCompleted;
  return status;
}

sdk::Result<void> FakeHypervisor::finalizeMigrationTarget(
    const sdk::InstanceSpec& instance, std::string_view /*info*/, bool success) {
  if (auto valid = checkInstanceName(instance.name); !valid) return valid;
  std::lock_guard lock(mutex_);
  const std::string context = "Failed to finalize migration of " + instance.name;
  if (!success) {
    // Make sure it is down here.
    if (auto down = removeStateFile(fileOf(instance.name)); !down) {
      return withContext(context, down.error());
    }
    return sdk::ok();
  }
  auto memory = startupMemory(instance);
  if (!memory) return std::move(memory).error();
  if (auto up = markUp(instance, *memory); !up) return withContext(context, up.error());
  return sdk::ok();
}

sdk::Result<void> FakeHypervisor::finalizeMigrationSource(
    const sdk::InstanceSpec& instance, bool success, bool /*live*/) {
  if (auto valid = checkInstanceName(instance.name); !valid) return valid;
  if (!success) return sdk::ok();  // the source copy simply keeps running
  std::lock_guard lock(mutex_);
  if (auto down = removeStateFile(fileOf(instance.name)); !down) {
    return withContext("Failed to finalize migration of " + instance.name, down.error());
  }
  return sdk::ok();
}

sdk::Result<void> FakeHypervisor::abortMigration(const sdk::InstanceSpec& instance) {
  // migrateInstance finishes at once, so there is never a transfer to stop.
  return checkInstanceName(instance.name);
}

}  // namespace gantry::plugins::fake
