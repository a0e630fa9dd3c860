#include "kvm_hypervisor.h"

#include <signal.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "cpu_pinning.h"
#include "kvm_command.h"
#include "kvm_internal.h"
#include "kvm_params.h"
#include "node_info.h"
#include "process_control.h"
#include "qmp_client.h"

namespace gantry::plugins::kvm {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using sdk::Error;
using sdk::ErrorCode;
using std::chrono::milliseconds;
using std::chrono::seconds;
using namespace detail;

constexpr const char* kConsoleWrapper = "/usr/lib/gantry/tools/kvm-console-wrapper";


std::string readText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

sdk::Result<void> writeTextAtomically(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) {
      return Error{ErrorCode::kEnvironment, "Cannot write '" + tmp.string() + "'"};
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    return Error{ErrorCode::kEnvironment,
                 "Cannot rename '" + tmp.string() + "': " + ec.message()};
  }
  return sdk::ok();
}


sdk::InstanceState stateOf(const std::string& status) {
  if (status == "running") return sdk::InstanceState::kRunning;
  if (status == "shutdown") return sdk::InstanceState::kShutdown;
  if (status == "internal-error" || status == "io-error" || status == "guest-panicked") {
    return sdk::InstanceState::kCrashed;
  }
  return sdk::InstanceState::kPaused;  // paused, inmigrate, postmigrate, prelaunch...
}

}  // namespace

KvmHypervisor::KvmHypervisor(sdk::Host* host)
    : host_(host),
      layout_(host != nullptr ? RuntimeLayout(host->paths())
                              : RuntimeLayout(fs::path(), fs::path())) {
  if (host_ == nullptr) throw std::invalid_argument("KvmHypervisor needs a host");
  if (auto dirs = layout_.ensureDirs(); !dirs) {
    host_->log(sdk::LogLevel::kWarning, dirs.error().message);
  }
}

// --- parameters ------------------------------------------------------------

std::vector<sdk::ParamSpec> KvmHypervisor::parameters() const { return kvmParameters(); }

sdk::Result<void> KvmHypervisor::checkParameters(const sdk::ParamMap& hvparams) const {
  return checkKvmParameters(hvparams);
}

sdk::Result<void> KvmHypervisor::validateParameters(const sdk::ParamMap& hvparams) {
  return validateKvmParameters(fillHvparams(hvparams));
}

// --- helpers (instance lock held) -------------------------------------------

std::shared_ptr<std::mutex> KvmHypervisor::instanceLock(std::string_view name) {
  std::lock_guard lock(locksMutex_);
  auto it = locks_.find(name);
  if (it == locks_.end()) {
    it = locks_.emplace(str(name), std::make_shared<std::mutex>()).first;
  }
  return it->second;
}

std::optional<pid_t> KvmHypervisor::pidOf(std::string_view name) const {
  return runningQemu(layout_.forInstance(name).pidFile);
}

sdk::Result<std::unique_ptr<QmpClient>> KvmHypervisor::qmp(std::string_view name) const {
  return QmpClient::connect(layout_.forInstance(name).qmpSocket, kQmpConnectTimeout);
}

sdk::Result<std::string> KvmHypervisor::qemuStatus(QmpClient& client) const {
  auto status = client.execute("query-status", kQmpCommandTimeout);
  if (!status) return std::move(status).error();
  return stringField(*status, "status", "unknown");
}

sdk::Result<LaunchSpec> KvmHypervisor::savedSpec(std::string_view name) const {
  const fs::path file = layout_.forInstance(name).runtimeFile;
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    return Error{ErrorCode::kNotFound, "No runtime file for instance " + str(name)};
  }
  return parseLaunchSpec(readText(file));
}

sdk::Result<void> KvmHypervisor::launch(const LaunchSpec& spec, const Launch& how) {
  if (auto checked = checkKvmParameters(spec.hvparams); !checked) return checked;
  if (auto valid = validateKvmParameters(spec.hvparams); !valid) return valid;
  if (auto dirs = layout_.ensureDirs(); !dirs) return dirs;
  layout_.removeInstanceFiles(spec.name);
  const InstancePaths paths = layout_.forInstance(spec.name);

  CpuMasks masks;
  const std::string cpuMask = sdk::paramString(spec.hvparams, "cpu_mask").value_or("");
  if (!cpuMask.empty()) {
    auto parsed = parseMultiCpuMask(cpuMask);
    if (!parsed) return std::move(parsed).error();
    masks = std::move(*parsed);
  }
  const bool pinning = pinsAnything(masks);
  if (pinning && masks.size() != 1 && static_cast<std::int64_t>(masks.size()) != spec.vcpus) {
    return Error{ErrorCode::kInvalid,
                 "Failed to start instance " + spec.name + ": number of CPU masks (" +
                     std::to_string(masks.size()) + ") does not match the number of vCPUs (" +
                     std::to_string(spec.vcpus) + ")"};
  }
  if (sdk::paramBool(spec.hvparams, "use_chroot").value_or(false)) {
    std::error_code chrootError;
    fs::create_directories(paths.chrootDir, chrootError);
  }

  LaunchOptions options;
  // Pinning happens before the guest runs its first instruction.
  options.paused = how.paused || (pinning && how.incoming.empty());
  options.incoming = how.incoming;
  std::error_code ec;
  options.vhostNetUsable = fs::exists("/dev/vhost-net", ec);
  auto argv = buildKvmArgv(spec, paths, options);
  if (!argv) return std::move(argv).error();
  if (auto saved = writeTextAtomically(paths.runtimeFile, serializeLaunchSpec(spec)); !saved) {
    return saved;
  }

  sdk::ProcessRequest request;
  request.argv = *argv;
  request.inheritEnv = true;
  request.timeout = kLaunchTimeout;
  auto ran = host_->runProcess(request);
  if (!ran || !ran->succeeded()) {
    const std::string why = !ran ? ran.error().message
                                 : ran->failReason() + ": " + ran->err + ran->out;
    layout_.removeInstanceFiles(spec.name);
    return Error{ErrorCode::kFault, "Failed to start instance " + spec.name + ": " + why};
  }
  // -daemonize returns once the machine is set up and the pid file written.
  if (!pidOf(spec.name)) {
    layout_.removeInstanceFiles(spec.name);
    return Error{ErrorCode::kFault,
                 "Failed to start instance " + spec.name + ": qemu exited right away"};
  }
  if (auto nics = connectNics(spec); !nics) {
    (void)stopLocked(spec.name, sdk::StopMode::kHard, kKillTimeout);
    return withContext("Failed to start instance " + spec.name, nics.error());
  }
  if (pinning) {
    if (auto pinned = pinVcpus(spec, masks, !how.paused && how.incoming.empty()); !pinned) {
      (void)stopLocked(spec.name, sdk::StopMode::kHard, kKillTimeout);
      return withContext("Failed to start instance " + spec.name, pinned.error());
    }
  }
  if (how.incoming.empty() && spec.startupMemoryMiB > 0 &&
      spec.startupMemoryMiB < spec.memoryMiB) {
    auto client = qmp(spec.name);
    if (client) {
      (void)(*client)->execute("balloon", json{{"value", spec.startupMemoryMiB * kMiB}},
                               kQmpCommandTimeout);
    }
  }
  host_->log(sdk::LogLevel::kInfo,
             "Started kvm instance " + spec.name + (how.paused ? " (paused)" : "") +
                 (how.incoming.empty() ? "" : " waiting for migration on " + how.incoming));
  return sdk::ok();
}

sdk::Result<void> KvmHypervisor::pinVcpus(const LaunchSpec& spec, const CpuMasks& masks,
                                          bool resume) {
  const auto pid = pidOf(spec.name);
  if (!pid) return Error{ErrorCode::kFault, "qemu exited"};
  auto client = qmp(spec.name);
  if (!client) return std::move(client).error();
  auto cpus = (*client)->execute("query-cpus-fast", kQmpCommandTimeout);
  if (!cpus) return std::move(cpus).error();
  std::vector<std::pair<std::int64_t, pid_t>> byIndex;
  for (const auto& cpu : *cpus) {
    byIndex.emplace_back(intField(cpu, "cpu-index"),
                         static_cast<pid_t>(intField(cpu, "thread-id")));
  }
  std::sort(byIndex.begin(), byIndex.end());
  std::vector<pid_t> threads;
  for (const auto& entry : byIndex) threads.push_back(entry.second);
  if (auto pinned = applyCpuPinning(*pid, threads, masks); !pinned) return pinned;
  if (resume) {
    if (auto cont = (*client)->execute("cont", kQmpCommandTimeout); !cont) {
      return std::move(cont).error();
    }
  }
  return sdk::ok();
}

// qemu made the taps; attach them where the NIC mode says.
sdk::Result<void> KvmHypervisor::connectNics(const LaunchSpec& spec) {
  for (std::size_t i = 0; i < spec.nics.size(); ++i) {
    const sdk::NicSpec& nic = spec.nics[i];
    const std::string tap = tapName(spec, i);
    std::vector<std::vector<std::string>> commands;
    if (nic.mode == "bridged" && !nic.link.empty()) {
      commands.push_back({"ip", "link", "set", tap, "master", nic.link});
    } else if (nic.mode == "openvswitch" && !nic.link.empty()) {
      commands.push_back({"ovs-vsctl", "add-port", nic.link, tap});
    }
    commands.push_back({"ip", "link", "set", tap, "up"});
    for (const auto& argv : commands) {
      sdk::ProcessRequest request;
      request.argv = argv;
      request.inheritEnv = true;
      request.timeout = std::chrono::seconds(30);
      auto ran = host_->runProcess(request);
      if (!ran || !ran->succeeded()) {
        return Error{ErrorCode::kEnvironment,
                     "Failed to configure NIC " + std::to_string(i) + " (" + tap + "): " +
                         (!ran ? ran.error().message : ran->failReason() + ": " + ran->err)};
      }
    }
  }
  return sdk::ok();
}

KvmHypervisor::PressOutcome KvmHypervisor::pressPowerButton(std::string_view name) {
  auto client = qmp(name);
  if (!client) {
    host_->log(sdk::LogLevel::kWarning, client.error().message);
    return PressOutcome::kNotAsked;
  }
  // A paused guest cannot act on the power button: do not wait for it.
  auto status = qemuStatus(**client);
  if (!status) return PressOutcome::kNotAsked;
  if (*status != "running") {
    host_->log(sdk::LogLevel::kInfo, "Instance " + str(name) + " is " + *status +
                                         ", stopping it without asking the guest");
    return PressOutcome::kNotAsked;
  }
  auto press = (*client)->execute("system_powerdown", kQmpCommandTimeout);
  if (!press) {
    host_->log(sdk::LogLevel::kWarning, press.error().message);
    return PressOutcome::kNotAsked;
  }
  return PressOutcome::kPressed;  // the client closes: qemu takes the next one
}

sdk::Result<void> KvmHypervisor::stopLocked(std::string_view name, sdk::StopMode mode,
                                            milliseconds timeout) {
  const auto pid = pidOf(name);
  if (!pid) {
    layout_.removeInstanceFiles(name);
    return sdk::ok();
  }
  bool gone = false;
  if (mode == sdk::StopMode::kSoft) {
    // As Ganeti's shutdown does, the button is pressed again every few
    // seconds until the timeout: a press can go unseen (a guest just
    // resumed after a migration has been seen to miss one).
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool pressed = false;
    for (;;) {
      const PressOutcome press = pressPowerButton(name);
      if (press == PressOutcome::kNotAsked && !pressed) break;
      pressed = true;
      const auto left = std::chrono::duration_cast<milliseconds>(
          deadline - std::chrono::steady_clock::now());
      gone = waitForExit(*pid, std::max(milliseconds(0), std::min(left, kPowerButtonRepeat)));
      if (gone || std::chrono::steady_clock::now() >= deadline) break;
    }
    if (!gone && pressed) {
      host_->log(sdk::LogLevel::kWarning, "Instance " + str(name) +
                                              " did not power off in time, killing it");
    }
  } else {
    gone = signalAndWait(*pid, SIGTERM, kKillTimeout / 2);
  }
  if (!gone) gone = signalAndWait(*pid, SIGKILL, kKillTimeout);
  if (!gone) {
    return Error{ErrorCode::kFault, "Failed to stop instance " + str(name) +
                                        ": process " + std::to_string(*pid) +
                                        " did not exit"};
  }
  layout_.removeInstanceFiles(name);
  return sdk::ok();
}

sdk::Result<sdk::InstanceInfo> KvmHypervisor::runningInfo(std::string_view name, pid_t pid,
                                                         bool askMonitor) const {
  sdk::InstanceInfo info;
  info.name = str(name);
  info.id = pid;
  info.cpuTimeSeconds = processCpuSeconds(pid);
  info.state = sdk::InstanceState::kRunning;
  if (auto spec = savedSpec(name)) {
    info.memoryMiB = spec->memoryMiB;
    info.vcpus = spec->vcpus;
  }
  if (!askMonitor) return info;
  auto client = qmp(name);
  if (!client) {
    // qemu is alive but its monitor is busy or wedged: report what was
    // started rather than fail a whole node listing.
    host_->log(sdk::LogLevel::kDebug, client.error().message);
    return info;
  }
  if (auto status = qemuStatus(**client)) info.state = stateOf(*status);
  if (auto cpus = (*client)->execute("query-cpus-fast", kQmpCommandTimeout);
      cpus && cpus->is_array()) {
    info.vcpus = static_cast<std::int64_t>(cpus->size());
  }
  if (auto balloon = (*client)->execute("query-balloon", kQmpCommandTimeout);
      balloon && intField(*balloon, "actual") > 0) {
    info.memoryMiB = intField(*balloon, "actual") / kMiB;
  }
  return info;
}

// --- lifecycle -------------------------------------------------------------

sdk::Result<void> KvmHypervisor::startInstance(const sdk::InstanceSpec& instance,
                                               bool paused) {
  if (auto valid = checkInstanceName(instance.name); !valid) return valid;
  auto lock = instanceLock(instance.name);
  std::lock_guard guard(*lock);
  if (pidOf(instance.name)) {
    return Error{ErrorCode::kState,
                 "Failed to start instance " + instance.name + ": already running"};
  }
  auto spec = launchSpecFor(instance);
  if (!spec) return std::move(spec).error();
  return launch(*spec, Launch{paused, ""});
}

sdk::Result<void> KvmHypervisor::stopInstance(const sdk::InstanceSpec& instance,
                                              sdk::StopMode mode, seconds timeout) {
  if (auto valid = checkInstanceName(instance.name); !valid) return valid;
  auto lock = instanceLock(instance.name);
  std::lock_guard guard(*lock);
  return stopLocked(instance.name, mode, timeout);
}

sdk::Result<void> KvmHypervisor::rebootInstance(const sdk::InstanceSpec& instance,
                                                sdk::RebootType type) {
  if (auto valid = checkInstanceName(instance.name); !valid) return valid;
  auto lock = instanceLock(instance.name);
  std::lock_guard guard(*lock);
  const std::string context = "Failed to reboot instance " + instance.name;
  if (!pidOf(instance.name)) return Error{ErrorCode::kState, context + ": not running"};
  switch (type) {
    case sdk::RebootType::kHard: {
      auto client = qmp(instance.name);
      if (!client) return withContext(context, client.error());
      auto reset = (*client)->execute("system_reset", kQmpCommandTimeout);
      if (!reset) return withContext(context, reset.error());
      return sdk::ok();
    }
    case sdk::RebootType::kSoft: {
      // qemu cannot make a guest reboot itself; like Ganeti, power it off
      // and start the same machine again.
      auto spec = savedSpec(instance.name);
      if (!spec) spec = launchSpecFor(instance);
      if (!spec) return withContext(context, spec.error());
      if (auto down = stopLocked(instance.name, sdk::StopMode::kSoft, kSoftRebootTimeout);
          !down) {
        return withContext(context, down.error());
      }
      return launch(*spec, Launch{});
    }
    case sdk::RebootType::kFull: {
      auto spec = launchSpecFor(instance);
      if (!spec) return withContext(context, spec.error());
      if (auto down = stopLocked(instance.name, sdk::StopMode::kSoft, kSoftRebootTimeout);
          !down) {
        return withContext(context, down.error());
      }
      return launch(*spec, Launch{});
    }
  }
  return sdk::ok();
}

sdk::Result<void> KvmHypervisor::cleanupInstance(std::string_view name) {
  if (auto valid = checkInstanceName(name); !valid) return valid;
  auto lock = instanceLock(name);
  std::lock_guard guard(*lock);
  if (pidOf(name)) {
    return Error{ErrorCode::kState,
                 "Cannot clean up instance " + str(name) + ": it is still running"};
  }
  layout_.removeInstanceFiles(name);
  return sdk::ok();
}

// --- queries ---------------------------------------------------------------

sdk::Result<std::vector<std::string>> KvmHypervisor::listInstances() {
  std::vector<std::string> names;
  for (const auto& name : layout_.namesWithPidFile()) {
    if (pidOf(name)) names.push_back(name);
  }
  return names;
}

sdk::Result<std::optional<sdk::InstanceInfo>> KvmHypervisor::instanceInfo(
    std::string_view name) {
  if (auto valid = checkInstanceName(name); !valid) return std::move(valid).error();
  auto lock = instanceLock(name);
  // Another operation (a stop waiting for the guest, a migration) may hold
  // the instance for minutes: report what was started instead of waiting,
  // so that a node listing never stalls behind it.
  std::unique_lock guard(*lock, std::try_to_lock);
  const auto pid = pidOf(name);
  if (!pid) return std::optional<sdk::InstanceInfo>{};
  auto info = runningInfo(name, *pid, guard.owns_lock());
  if (!info) return std::move(info).error();
  return std::optional<sdk::InstanceInfo>{*info};
}

sdk::Result<std::vector<sdk::InstanceInfo>> KvmHypervisor::allInstancesInfo() {
  auto names = listInstances();
  if (!names) return std::move(names).error();
  std::vector<sdk::InstanceInfo> infos;
  for (const auto& name : *names) {
    auto info = instanceInfo(name);
    if (!info) return std::move(info).error();
    if (*info) infos.push_back(**info);
  }
  return infos;
}

sdk::Result<sdk::NodeResources> KvmHypervisor::nodeResources() {
  auto resources = parseNodeInfo(readText("/proc/meminfo"), readText("/proc/cpuinfo"));
  if (!resources) return resources;
  std::vector<GuestMemory> guests;
  for (const auto& name : layout_.namesWithPidFile()) {
    const auto pid = pidOf(name);
    if (!pid) continue;
    auto spec = savedSpec(name);
    if (!spec) continue;
    guests.push_back({spec->memoryMiB, processRssMiB(*pid)});
  }
  resources = subtractGuests(*resources, guests);
  {
    std::lock_guard lock(versionMutex_);
    if (!hvVersion_) {
      sdk::ProcessRequest request;
      request.argv = {host_->setting("kvm.path").value_or(kDefaultKvmPath), "--version"};
      request.inheritEnv = true;
      request.timeout = std::chrono::seconds(30);
      auto ran = host_->runProcess(request);
      std::string version;
      if (ran && ran->succeeded()) {
        const std::string marker = "version ";
        const std::size_t at = ran->out.find(marker);
        if (at != std::string::npos) {
          version = ran->out.substr(at + marker.size());
          version = version.substr(0, version.find_first_of(" \n("));
        }
      }
      hvVersion_ = version;
    }
    resources->hvVersion = *hvVersion_;
  }
  return resources;
}

sdk::Result<sdk::ConsoleInfo> KvmHypervisor::console(const sdk::InstanceSpec& instance) {
  if (auto valid = checkInstanceName(instance.name); !valid) return std::move(valid).error();
  const sdk::ParamMap hv = fillHvparams(instance.hvparams);
  const InstancePaths paths = layout_.forInstance(instance.name);
  sdk::ConsoleInfo info;
  info.instance = instance.name;
  const std::string vnc = sdk::paramString(hv, "vnc_bind_address").value_or("");
  const std::string spice = sdk::paramString(hv, "spice_bind").value_or("");
  if (sdk::paramBool(hv, "serial_console").value_or(true)) {
    info.kind = sdk::ConsoleInfo::Kind::kSerialSocket;
    info.socketPath = paths.serialSocket.string();
    info.host = instance.primaryNode;
    info.user = "root";
    info.command = {kConsoleWrapper, "/usr/bin/socat", instance.name,
                    paths.monitorSocket.string(), "STDIO,raw,echo=0,escape=0x1d",
                    "UNIX-CONNECT:" + paths.serialSocket.string()};
  } else if (!vnc.empty() && instance.networkPort > 5900) {
    info.kind = sdk::ConsoleInfo::Kind::kVnc;
    info.host = vnc;
    info.port = instance.networkPort;
    info.display = instance.networkPort - 5900;
  } else if (!spice.empty()) {
    info.kind = sdk::ConsoleInfo::Kind::kSpice;
    info.host = spice;
    info.port = instance.networkPort;
  } else {
    info.kind = sdk::ConsoleInfo::Kind::kMessage;
    info.message = "No serial shell for instance " + instance.name;
  }
  return info;
}

sdk::Result<void> KvmHypervisor::verify() {
  const std::string kvmPath = host_->setting("kvm.path").value_or(kDefaultKvmPath);
  std::error_code ec;
  if (!fs::is_regular_file(kvmPath, ec)) {
    return Error{ErrorCode::kEnvironment,
                 "The KVM binary ('" + kvmPath + "') does not exist"};
  }
  if (!fs::is_directory(layout_.baseDir(), ec)) {
    return Error{ErrorCode::kEnvironment, "The required directory '" +
                                              layout_.baseDir().string() +
                                              "' does not exist"};
  }
  return sdk::ok();
}

sdk::Result<void> KvmHypervisor::balloonMemory(const sdk::InstanceSpec& instance,
                                               std::int64_t memoryMiB) {
  if (auto valid = checkInstanceName(instance.name); !valid) return valid;
  auto lock = instanceLock(instance.name);
  std::lock_guard guard(*lock);
  const std::string context = "Failed to balloon memory for " + instance.name;
  if (memoryMiB <= 0) {
    return Error{ErrorCode::kInvalid,
                 context + ": invalid memory size " + std::to_string(memoryMiB)};
  }
  if (!pidOf(instance.name)) return Error{ErrorCode::kState, context + ": not running"};
  auto client = qmp(instance.name);
  if (!client) return withContext(context, client.error());
  auto done =
      (*client)->execute("balloon", json{{"value", memoryMiB * kMiB}}, kQmpCommandTimeout);
  if (!done) return withContext(context, done.error());
  return sdk::ok();
}

}  // namespace gantry::plugins::kvm
