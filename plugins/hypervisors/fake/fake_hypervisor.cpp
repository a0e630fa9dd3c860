#include "fake_hypervisor.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

namespace gantry::plugins::fake {
namespace {

namespace fs = std::filesystem;
using sdk::Error;
using sdk::ErrorCode;

constexpr const char* kMigrationMode = "migration_mode";
constexpr const char* kMigrationModes[] = {"live", "non-live"};
constexpr const char* kConsoleMessage = "Console not available for fake hypervisor";
constexpr auto kStopPollInterval = std::chrono::milliseconds(100);

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
      extrasDir_(host != nullptr ? host->paths().runDir / "fake-hypervisor-extra" : fs::path()),
      migrationDir_(host != nullptr ? host->paths().runDir / "fake-hypervisor-migration"
                                    : fs::path()),
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

sdk::Result<void> FakeHypervisor::writeIn(const fs::path& dir, const fs::path& file,
                                          std::string_view content) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Error{ErrorCode::kEnvironment, ec.message() + ": '" + dir.string() + "'"};
  return writeStateFile(file, content);
}

sdk::Result<void> FakeHypervisor::writeRecord(std::string_view name,
                                              const StateRecord& record) {
  return writeIn(stateDir_, fileOf(name), formatState(record));
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

InstanceExtras FakeHypervisor::readExtras(std::string_view name) const {
  // Extras are a nicety: a missing or damaged file means a plain running
  // instance, never an error that would hide the instance itself.
  auto text = readStateFile(extrasDir_ / str(name));
  if (!text || !*text) return InstanceExtras{};
  return parseExtras(**text).value_or(InstanceExtras{});
}

sdk::Result<void> FakeHypervisor::writeExtras(std::string_view name,
                                              const InstanceExtras& extras) {
  return writeIn(extrasDir_, extrasDir_ / str(name), formatExtras(extras));
}

fs::path FakeHypervisor::migrationFile(std::string_view name, bool incoming) const {
  return migrationDir_ / (str(name) + (incoming ? ".incoming" : ".outgoing"));
}

sdk::Result<std::optional<OutgoingMigration>> FakeHypervisor::readOutgoing(
    std::string_view name) const {
  const fs::path file = migrationFile(name, false);
  auto text = readStateFile(file);
  if (!text) return std::move(text).error();
  if (!*text) return std::optional<OutgoingMigration>{};
  auto outgoing = parseOutgoing(**text);
  if (!outgoing) {
    return Error{ErrorCode::kFault, "Malformed migration record: '" + file.string() + "'"};
  }
  return std::optional<OutgoingMigration>{*outgoing};
}

sdk::Result<void> FakeHypervisor::writeOutgoing(std::string_view name,
                                                const OutgoingMigration& outgoing) {
  return writeIn(migrationDir_, migrationFile(name, false), formatOutgoing(outgoing));
}

sdk::Result<void> FakeHypervisor::markDown(std::string_view name) {
  if (auto down = removeStateFile(fileOf(name)); !down) return down;
  return removeStateFile(extrasDir_ / str(name));
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
    infos.push_back(infoOf(name, **record));
  }
  return infos;
}

sdk::InstanceInfo FakeHypervisor::infoOf(const std::string& name,
                                         const StateRecord& record) const {
  const bool paused = readExtras(name).paused;
  return sdk::InstanceInfo{name, record.id, record.memoryMiB, record.vcpus,
                           paused ? sdk::InstanceState::kPaused : sdk::InstanceState::kRunning,
                           0.0};
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

std::int64_t FakeHypervisor::vcpusOf(const sdk::InstanceSpec& instance) {
  if (instance.vcpus > 0) return instance.vcpus;
  return sdk::paramInt(instance.beparams, "vcpus").value_or(1);
}

sdk::Result<void> FakeHypervisor::markUp(const sdk::InstanceSpec& instance,
                                         std::int64_t memoryMiB) {
  return writeRecord(instance.name, StateRecord{0, memoryMiB, vcpusOf(instance)});
}

sdk::Result<SoftShutdown> FakeHypervisor::softShutdownSetting() const {
  const auto value = host_->setting(kSettingSoftShutdown);
  if (!value || *value == "obey") return SoftShutdown::kObey;
  if (*value == "ignore") return SoftShutdown::kIgnore;
  return Error{ErrorCode::kEnvironment, "Invalid value '" + *value + "' for setting '" +
                                            std::string(kSettingSoftShutdown) +
                                            "': must be obey or ignore"};
}

sdk::Result<MigrationOutcome> FakeHypervisor::migrationSetting() const {
  const auto value = host_->setting(kSettingMigration);
  if (!value || *value == "complete") return MigrationOutcome::kComplete;
  if (*value == "fail") return MigrationOutcome::kFail;
  if (*value == "stall") return MigrationOutcome::kStall;
  return Error{ErrorCode::kEnvironment, "Invalid value '" + *value + "' for setting '" +
                                            std::string(kSettingMigration) +
                                            "': must be complete, fail or stall"};
}

// --- lifecycle -------------------------------------------------------------

sdk::Result<void> FakeHypervisor::startInstance(const sdk::InstanceSpec& instance,
                                                bool paused) {
  if (auto valid = checkInstanceName(instance.name); !valid) return valid;
  std::lock_guard lock(mutex_);
  const std::string context = "Failed to start instance " + instance.name;
  auto alive = isAlive(instance.name);
  if (!alive) return withContext(context, alive.error());
  if (*alive) return Error{ErrorCode::kState, context + ": already running"};
  auto memory = startupMemory(instance);
  if (!memory) return std::move(memory).error();
  if (auto up = markUp(instance, *memory); !up) return withContext(context, up.error());
  if (auto extras = writeExtras(instance.name, InstanceExtras{paused, 1}); !extras) {
    return withContext(context, extras.error());
  }
  host_->log(sdk::LogLevel::kInfo, "Started fake instance " + instance.name + " with " +
                                       std::to_string(*memory) + " MiB" +
                                       (paused ? " (paused)" : ""));
  return sdk::ok();
}

sdk::Result<void> FakeHypervisor::stopInstance(const sdk::InstanceSpec& instance,
                                               sdk::StopMode mode,
                                               std::chrono::seconds timeout) {
  if (auto valid = checkInstanceName(instance.name); !valid) return valid;
  const std::string context = "Failed to stop instance " + instance.name;
  if (mode == sdk::StopMode::kSoft) {
    auto behaviour = softShutdownSetting();
    if (!behaviour) return std::move(behaviour).error();
    if (*behaviour == SoftShutdown::kIgnore) {
      // The guest ignores the request: wait for the timeout (another call may
      // stop it meanwhile), then destroy it, as a real node does.
      const auto deadline = std::chrono::steady_clock::now() + timeout;
      for (;;) {
        {
          std::lock_guard lock(mutex_);
          auto alive = isAlive(instance.name);
          if (!alive) return withContext(context, alive.error());
          if (!*alive) return sdk::ok();
        }
        const auto left = deadline - std::chrono::steady_clock::now();
        if (left <= std::chrono::steady_clock::duration::zero()) break;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            left, kStopPollInterval));
      }
      host_->log(sdk::LogLevel::kWarning,
                 "Instance " + instance.name + " did not shut down within " +
                     std::to_string(timeout.count()) + "s, destroying it");
    }
  }
  std::lock_guard lock(mutex_);
  // Ganeti's hv_fake refuses to stop a stopped instance, but its node RPC
  // checks first and reports success; the SDK promises the latter.
  if (auto down = markDown(instance.name); !down) return withContext(context, down.error());
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
  InstanceExtras extras = readExtras(instance.name);
  // Soft and hard reboots restart the guest in place: same memory, one boot
  // more, running even if it was paused. A full reboot is a stop and a
  // start, so the memory is the startup memory again.
  if (type == sdk::RebootType::kFull) {
    if (auto down = removeStateFile(fileOf(instance.name)); !down) {
      return withContext(context, down.error());
    }
    auto memory = startupMemory(instance);
    if (!memory) return std::move(memory).error();
    if (auto up = markUp(instance, *memory); !up) return withContext(context, up.error());
  }
  extras.paused = false;
  extras.boots += 1;
  if (auto saved = writeExtras(instance.name, extras); !saved) {
    return withContext(context, saved.error());
  }
  const char* kind = type == sdk::RebootType::kSoft   ? "soft"
                     : type == sdk::RebootType::kHard ? "hard"
                                                      : "full";
  host_->log(sdk::LogLevel::kInfo,
             "Rebooted fake instance " + instance.name + " (" + kind + ")");
  return sdk::ok();
}

sdk::Result<void> FakeHypervisor::cleanupInstance(std::string_view name) {
  if (auto valid = checkInstanceName(name); !valid) return valid;
  std::lock_guard lock(mutex_);
  auto alive = isAlive(name);
  if (!alive) return std::move(alive).error();
  // A running instance keeps what it has; a stopped one leaves nothing behind,
  // not even the records of a migration that never finished.
  if (*alive) return sdk::ok();
  for (const fs::path& file : {extrasDir_ / str(name), migrationFile(name, true),
                               migrationFile(name, false)}) {
    if (auto gone = removeStateFile(file); !gone) return gone;
  }
  return sdk::ok();
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
  return std::optional<sdk::InstanceInfo>{infoOf(str(name), **record)};
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
  if (auto s = softShutdownSetting(); !s) return std::move(s).error();
  if (auto m = migrationSetting(); !m) return std::move(m).error();
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
  auto record = readRecord(instance.name);
  if (!record) return withContext(context, record.error());
  if (!*record) return Error{ErrorCode::kState, context + ": not running"};
  StateRecord updated = **record;
  updated.memoryMiB = memoryMiB;
  if (auto up = writeRecord(instance.name, updated); !up) {
    return withContext(context, up.error());
  }
  return sdk::ok();
}

// --- migration -------------------------------------------------------------
//
// The instance's state moves from the source's root to the target's in the
// phases of a real migration: migrationInfo (source) packs the state, the
// master hands it to acceptInstance (target, which prepares an incoming
// record, not yet running), migrateInstance (source) "transfers" it,
// migrationStatus reports how that went, and the two finalize calls make the
// target copy run and drop the source copy, or undo both. The node setting
// fake.migration (complete, fail, stall) decides how a transfer ends, so the
// master's failure and abort paths can be exercised.

sdk::Result<std::string> FakeHypervisor::migrationInfo(const sdk::InstanceSpec& instance) {
  if (auto valid = checkInstanceName(instance.name); !valid) return std::move(valid).error();
  std::lock_guard lock(mutex_);
  auto record = readRecord(instance.name);
  if (!record) return withContext("Cannot migrate " + instance.name, record.error());
  if (!*record) {
    return Error{ErrorCode::kState,
                 "Instance " + instance.name + " is not running on this node"};
  }
  const InstanceExtras extras = readExtras(instance.name);
  return formatPayload(
      MigrationPayload{instance.name, (*record)->memoryMiB, (*record)->vcpus, extras.boots});
}

sdk::Result<void> FakeHypervisor::acceptInstance(const sdk::InstanceSpec& instance,
                                                 std::string_view info,
                                                 std::string_view targetAddress) {
  if (auto valid = checkInstanceName(instance.name); !valid) return valid;
  std::lock_guard lock(mutex_);
  auto alive = isAlive(instance.name);
  if (!alive) return withContext("Can't accept instance", alive.error());
  if (*alive) return Error{ErrorCode::kState, "Can't accept instance, already running"};
  // An empty info is what Ganeti's own fake hypervisor sends: the target then
  // starts from the instance's startup memory when finalized.
  std::string incoming;
  if (!info.empty()) {
    auto payload = parsePayload(info);
    if (!payload) {
      return Error{ErrorCode::kInvalid,
                   "Can't accept instance " + instance.name + ": malformed migration info"};
    }
    if (payload->name != instance.name) {
      return Error{ErrorCode::kInvalid, "Can't accept instance " + instance.name +
                                            ": the migration info is for " + payload->name};
    }
    incoming = formatPayload(*payload);
  }
  if (auto saved = writeIn(migrationDir_, migrationFile(instance.name, true), incoming);
      !saved) {
    return withContext("Can't accept instance", saved.error());
  }
  host_->log(sdk::LogLevel::kDebug, "Fake hypervisor ready to receive " + instance.name +
                                        " on " + str(targetAddress));
  return sdk::ok();
}

sdk::Result<void> FakeHypervisor::migrateInstance(const sdk::InstanceSpec& instance,
                                                  std::string_view targetAddress,
                                                  bool live) {
  if (auto valid = checkInstanceName(instance.name); !valid) return valid;
  const std::string context = "Failed to migrate instance " + instance.name;
  if (targetAddress.find('\n') != std::string_view::npos) {
    return Error{ErrorCode::kInvalid, context + ": invalid target address"};
  }
  auto outcome = migrationSetting();
  if (!outcome) return std::move(outcome).error();
  std::lock_guard lock(mutex_);
  auto record = readRecord(instance.name);
  if (!record) return withContext(context, record.error());
  if (!*record) return Error{ErrorCode::kState, context + ": not running"};
  auto previous = readOutgoing(instance.name);
  if (!previous) return withContext(context, previous.error());
  if (*previous && (*previous)->state == sdk::MigrationStatus::State::kActive) {
    return Error{ErrorCode::kState, context + ": a migration to " + (*previous)->target +
                                        " is already in progress"};
  }
  host_->log(sdk::LogLevel::kDebug, "Fake hypervisor migrating " + instance.name + " to " +
                                        str(targetAddress) +
                                        " (live=" + (live ? "True" : "False") + ")");
  OutgoingMigration outgoing;
  outgoing.target = str(targetAddress);
  outgoing.live = live;
  outgoing.memoryMiB = (*record)->memoryMiB;
  switch (*outcome) {
    case MigrationOutcome::kComplete:
      outgoing.state = sdk::MigrationStatus::State::kCompleted;
      break;
    case MigrationOutcome::kFail:
      outgoing.state = sdk::MigrationStatus::State::kFailed;
      outgoing.message = "transfer failed (node setting fake.migration=fail)";
      break;
    case MigrationOutcome::kStall:
      outgoing.state = sdk::MigrationStatus::State::kActive;
      break;
  }
  if (auto saved = writeOutgoing(instance.name, outgoing); !saved) {
    return withContext(context, saved.error());
  }
  // A non-live migration freezes the guest while its memory is copied.
  if (!live) {
    InstanceExtras extras = readExtras(instance.name);
    extras.paused = true;
    if (auto saved = writeExtras(instance.name, extras); !saved) {
      return withContext(context, saved.error());
    }
  }
  return sdk::ok();
}

sdk::Result<sdk::MigrationStatus> FakeHypervisor::migrationStatus(
    const sdk::InstanceSpec& instance) {
  if (auto valid = checkInstanceName(instance.name); !valid) return std::move(valid).error();
  std::lock_guard lock(mutex_);
  auto outgoing = readOutgoing(instance.name);
  if (!outgoing) return std::move(outgoing).error();
  if (!*outgoing) {
    return Error{ErrorCode::kState, "No migration of " + instance.name + " in progress"};
  }
  sdk::MigrationStatus status;
  status.state = (*outgoing)->state;
  status.totalRamBytes = (*outgoing)->memoryMiB * 1024 * 1024;
  status.transferredRamBytes =
      status.state == sdk::MigrationStatus::State::kCompleted ? status.totalRamBytes : 0;
  status.remainingRamBytes = status.totalRamBytes - status.transferredRamBytes;
  status.message = (*outgoing)->message;
  return status;
}

sdk::Result<void> FakeHypervisor::finalizeMigrationTarget(
    const sdk::InstanceSpec& instance, std::string_view /*info*/, bool success) {
  if (auto valid = checkInstanceName(instance.name); !valid) return valid;
  std::lock_guard lock(mutex_);
  const std::string context = "Failed to finalize migration of " + instance.name;
  const fs::path incomingFile = migrationFile(instance.name, true);
  if (!success) {
    // Make sure it is down here, and forget what was received.
    if (auto down = markDown(instance.name); !down) return withContext(context, down.error());
    if (auto gone = removeStateFile(incomingFile); !gone) {
      return withContext(context, gone.error());
    }
    return sdk::ok();
  }
  auto text = readStateFile(incomingFile);
  if (!text) return withContext(context, text.error());
  std::optional<MigrationPayload> payload;
  if (*text && !(*text)->empty()) payload = parsePayload(**text);
  if (payload) {
    // The state that left the source: its memory (ballooned or not), its
    // CPUs and boot count.
    if (auto up = writeRecord(instance.name, StateRecord{0, payload->memoryMiB, payload->vcpus});
        !up) {
      return withContext(context, up.error());
    }
    if (auto saved = writeExtras(instance.name, InstanceExtras{false, payload->boots});
        !saved) {
      return withContext(context, saved.error());
    }
  } else {
    auto memory = startupMemory(instance);
    if (!memory) return std::move(memory).error();
    if (auto up = markUp(instance, *memory); !up) return withContext(context, up.error());
    if (auto saved = writeExtras(instance.name, InstanceExtras{}); !saved) {
      return withContext(context, saved.error());
    }
  }
  if (auto gone = removeStateFile(incomingFile); !gone) return withContext(context, gone.error());
  return sdk::ok();
}

sdk::Result<void> FakeHypervisor::finalizeMigrationSource(
    const sdk::InstanceSpec& instance, bool success, bool /*live*/) {
  if (auto valid = checkInstanceName(instance.name); !valid) return valid;
  std::lock_guard lock(mutex_);
  const std::string context = "Failed to finalize migration of " + instance.name;
  if (success) {
    if (auto down = markDown(instance.name); !down) return withContext(context, down.error());
  } else {
    // The source copy keeps (or resumes) running.
    auto alive = isAlive(instance.name);
    if (!alive) return withContext(context, alive.error());
    if (*alive) {
      InstanceExtras extras = readExtras(instance.name);
      extras.paused = false;
      if (auto saved = writeExtras(instance.name, extras); !saved) {
        return withContext(context, saved.error());
      }
    }
  }
  if (auto gone = removeStateFile(migrationFile(instance.name, false)); !gone) {
    return withContext(context, gone.error());
  }
  return sdk::ok();
}

sdk::Result<void> FakeHypervisor::abortMigration(const sdk::InstanceSpec& instance) {
  if (auto valid = checkInstanceName(instance.name); !valid) return valid;
  std::lock_guard lock(mutex_);
  auto outgoing = readOutgoing(instance.name);
  if (!outgoing) return std::move(outgoing).error();
  // Nothing in flight (never started, or finalized already): nothing to stop.
  if (!*outgoing || (*outgoing)->state != sdk::MigrationStatus::State::kActive) {
    return sdk::ok();
  }
  OutgoingMigration cancelled = **outgoing;
  cancelled.state = sdk::MigrationStatus::State::kCancelled;
  cancelled.message = "migration aborted";
  if (auto saved = writeOutgoing(instance.name, cancelled); !saved) return saved;
  host_->log(sdk::LogLevel::kInfo, "Aborted the migration of " + instance.name + " to " +
                                       cancelled.target);
  return sdk::ok();
}

}  // namespace gantry::plugins::fake
