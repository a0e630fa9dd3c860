// The kvm hypervisor's live migration: the target runs the same machine
// (the source's launch spec) with -incoming, the source sends over TCP
// with bandwidth and downtime set through QMP.
#include <nlohmann/json.hpp>
#include <thread>

#include "kvm_hypervisor.h"
#include "kvm_internal.h"
#include "kvm_params.h"
#include "qmp_client.h"

namespace gantry::plugins::kvm {

using nlohmann::json;
using sdk::Error;
using sdk::ErrorCode;
using std::chrono::milliseconds;
using namespace detail;

// --- migration -------------------------------------------------------------

sdk::Result<std::string> KvmHypervisor::migrationInfo(const sdk::InstanceSpec& instance) {
  if (auto valid = checkInstanceName(instance.name); !valid) return std::move(valid).error();
  auto lock = instanceLock(instance.name);
  std::lock_guard guard(*lock);
  if (!pidOf(instance.name)) {
    return Error{ErrorCode::kState, "Instance " + instance.name + " is not running"};
  }
  auto spec = savedSpec(instance.name);
  if (!spec) return std::move(spec).error();
  // The target builds the very machine that runs here, with its own paths.
  return serializeLaunchSpec(*spec);
}

sdk::Result<void> KvmHypervisor::acceptInstance(const sdk::InstanceSpec& instance,
                                                std::string_view info,
                                                std::string_view targetAddress) {
  if (auto valid = checkInstanceName(instance.name); !valid) return valid;
  auto lock = instanceLock(instance.name);
  std::lock_guard guard(*lock);
  if (pidOf(instance.name)) {
    return Error{ErrorCode::kState, "Can't accept instance, already running"};
  }
  auto spec = info.empty() ? launchSpecFor(instance) : parseLaunchSpec(str(info));
  if (!spec) return withContext("Can't accept instance " + instance.name, spec.error());
  if (spec->name != instance.name) {
    return Error{ErrorCode::kInvalid, "Migration data is for instance " + spec->name +
                                          ", not " + instance.name};
  }
  const std::int64_t port =
      sdk::paramInt(fillHvparams(instance.hvparams), "migration_port").value_or(8102);
  return launch(*spec, Launch{false, tcpUri(targetAddress, port)});
}

sdk::Result<void> KvmHypervisor::migrateInstance(const sdk::InstanceSpec& instance,
                                                 std::string_view targetAddress,
                                                 bool live) {
  if (auto valid = checkInstanceName(instance.name); !valid) return valid;
  auto lock = instanceLock(instance.name);
  std::lock_guard guard(*lock);
  const std::string context = "Failed to migrate instance " + instance.name;
  if (!pidOf(instance.name)) return Error{ErrorCode::kState, context + ": not running"};
  const sdk::ParamMap hv = fillHvparams(instance.hvparams);
  auto client = qmp(instance.name);
  if (!client) return withContext(context, client.error());
  const json parameters = {
      {"max-bandwidth", sdk::paramInt(hv, "migration_bandwidth").value_or(32) * kMiB},
      {"downtime-limit", sdk::paramInt(hv, "migration_downtime").value_or(30)}};
  if (auto set = (*client)->execute("migrate-set-parameters", parameters, kQmpCommandTimeout);
      !set) {
    return withContext(context, set.error());
  }
  const std::string caps = sdk::paramString(hv, "migration_caps").value_or("");
  if (!caps.empty()) {
    json list = json::array();
    std::size_t start = 0;
    while (start <= caps.size()) {
      std::size_t colon = caps.find(':', start);
      if (colon == std::string::npos) colon = caps.size();
      if (colon > start) {
        list.push_back({{"capability", caps.substr(start, colon - start)}, {"state", true}});
      }
      start = colon + 1;
    }
    if (auto set = (*client)->execute("migrate-set-capabilities",
                                      json{{"capabilities", list}}, kQmpCommandTimeout);
        !set) {
      return withContext(context, set.error());
    }
  }
  if (!live) {
    if (auto stopped = (*client)->execute("stop", kQmpCommandTimeout); !stopped) {
      return withContext(context, stopped.error());
    }
  }
  const std::int64_t port = sdk::paramInt(hv, "migration_port").value_or(8102);
  auto started = (*client)->execute("migrate", json{{"uri", tcpUri(targetAddress, port)}},
                                    kQmpCommandTimeout);
  if (!started) return withContext(context, started.error());
  return sdk::ok();
}

sdk::Result<sdk::MigrationStatus> KvmHypervisor::migrationStatus(
    const sdk::InstanceSpec& instance) {
  if (auto valid = checkInstanceName(instance.name); !valid) return std::move(valid).error();
  auto lock = instanceLock(instance.name);
  std::lock_guard guard(*lock);
  const std::string context = "Failed to get migration status of " + instance.name;
  if (!pidOf(instance.name)) return Error{ErrorCode::kState, context + ": not running"};
  auto client = qmp(instance.name);
  if (!client) return withContext(context, client.error());
  auto info = (*client)->execute("query-migrate", kQmpCommandTimeout);
  if (!info) return withContext(context, info.error());
  sdk::MigrationStatus status;
  const std::string state = stringField(*info, "status", "none");
  using State = sdk::MigrationStatus::State;
  if (state == "completed") status.state = State::kCompleted;
  else if (state == "failed") status.state = State::kFailed;
  else if (state == "cancelled") status.state = State::kCancelled;
  else if (state == "none") {
    status.state = State::kFailed;
    status.message = "no migration in progress";
  } else {
    status.state = State::kActive;  // setup, active, postcopy-active, device, ...
  }
  if (const auto why = stringField(*info, "error-desc"); !why.empty()) status.message = why;
  if (info->is_object() && info->contains("ram")) {
    const json& ram = (*info)["ram"];
    status.transferredRamBytes = intField(ram, "transferred");
    status.totalRamBytes = intField(ram, "total");
    status.remainingRamBytes = intField(ram, "remaining");
  }
  status.downtimeMs = intField(*info, "downtime");
  return status;
}

sdk::Result<void> KvmHypervisor::finalizeMigrationTarget(const sdk::InstanceSpec& instance,
                                                         std::string_view /*info*/,
                                                         bool success) {
  if (auto valid = checkInstanceName(instance.name); !valid) return valid;
  auto lock = instanceLock(instance.name);
  std::lock_guard guard(*lock);
  const std::string context = "Failed to finalize migration of " + instance.name;
  if (!success) return stopLocked(instance.name, sdk::StopMode::kHard, kKillTimeout);
  if (!pidOf(instance.name)) {
    return Error{ErrorCode::kState, context + ": not running on the target"};
  }
  auto client = qmp(instance.name);
  if (!client) return withContext(context, client.error());
  // Right after the source says "completed" the target may still be
  // loading the last pages ("inmigrate").
  const auto deadline = std::chrono::steady_clock::now() + kMigrationSettleTimeout;
  while (true) {
    auto status = qemuStatus(**client);
    if (!status) return withContext(context, status.error());
    if (*status == "running") return sdk::ok();
    if (*status != "inmigrate") {
      // A non-live migration arrives paused.
      if (auto cont = (*client)->execute("cont", kQmpCommandTimeout); !cont) {
        return withContext(context, cont.error());
      }
      return sdk::ok();
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Error{ErrorCode::kFault, context + ": the target is still receiving"};
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
}

sdk::Result<void> KvmHypervisor::finalizeMigrationSource(const sdk::InstanceSpec& instance,
                                                         bool success, bool /*live*/) {
  if (auto valid = checkInstanceName(instance.name); !valid) return valid;
  auto lock = instanceLock(instance.name);
  std::lock_guard guard(*lock);
  const std::string context = "Failed to finalize migration of " + instance.name;
  if (!pidOf(instance.name)) {
    layout_.removeInstanceFiles(instance.name);
    return sdk::ok();
  }
  if (success) {
    // The guest lives on the target now; this copy is stale.
    if (auto client = qmp(instance.name)) {
      (void)(*client)->execute("quit", kQmpCommandTimeout);
    }
    return stopLocked(instance.name, sdk::StopMode::kHard, kKillTimeout);
  }
  auto client = qmp(instance.name);
  if (!client) return withContext(context, client.error());
  auto status = qemuStatus(**client);
  if (!status) return withContext(context, status.error());
  if (*status != "running") {
    if (auto cont = (*client)->execute("cont", kQmpCommandTimeout); !cont) {
      return withContext(context, cont.error());
    }
  }
  return sdk::ok();
}

sdk::Result<void> KvmHypervisor::abortMigration(const sdk::InstanceSpec& instance) {
  if (auto valid = checkInstanceName(instance.name); !valid) return valid;
  auto lock = instanceLock(instance.name);
  std::lock_guard guard(*lock);
  const std::string context = "Failed to abort migration of " + instance.name;
  if (!pidOf(instance.name)) return Error{ErrorCode::kState, context + ": not running"};
  auto client = qmp(instance.name);
  if (!client) return withContext(context, client.error());
  if (auto cancel = (*client)->execute("migrate_cancel", kQmpCommandTimeout); !cancel) {
    return withContext(context, cancel.error());
  }
  const auto deadline = std::chrono::steady_clock::now() + kMigrationSettleTimeout;
  while (true) {
    auto info = (*client)->execute("query-migrate", kQmpCommandTimeout);
    if (!info) return withContext(context, info.error());
    const std::string state = stringField(*info, "status", "none");
    if (state == "cancelled" || state == "failed" || state == "none" ||
        state == "completed") {
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Error{ErrorCode::kFault, context + ": still '" + state + "' after cancel"};
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
  // A source that was stopped for the switch-over resumes.
  auto status = qemuStatus(**client);
  if (!status) return withContext(context, status.error());
  if (*status == "postmigrate" || *status == "finish-migrate") {
    if (auto cont = (*client)->execute("cont", kQmpCommandTimeout); !cont) {
      return withContext(context, cont.error());
    }
  }
  return sdk::ok();
}

}  // namespace gantry::plugins::kvm
