// The `kvm` hypervisor (Ganeti's hv_kvm): one qemu process per instance,
// started daemonized from an argv vector (kvm_command.h), controlled over
// QMP (qmp_client.h), its state in files under the node's run dir
// (runtime_layout.h) so a restarted node daemon finds running instances
// again and nodes with different roots on one host stay apart.
//
// Lifecycle: start (paused with -S; migration targets with -incoming),
// soft stop by ACPI powerdown then a hard kill after the timeout, hard stop
// by signal; soft reboot = soft stop and start with the saved launch spec
// (as Ganeti does), hard reboot = QMP system_reset, full reboot = stop and
// start from the current parameters. Live migration over TCP on
// migration_port, bandwidth and downtime set through QMP.
//
// Settings (sdk::Host::setting):
//   kvm.path   qemu binary verify() checks (default kDefaultKvmPath)
//
// Every method may be called from several threads; calls for one instance
// are serialized by a per-instance lock.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "gantry/sdk/host.h"
#include "gantry/sdk/hypervisor.h"
#include "cpu_pinning.h"
#include "launch_spec.h"
#include "runtime_layout.h"

namespace gantry::plugins::kvm {

class QmpClient;

class KvmHypervisor final : public sdk::Hypervisor {
 public:
  /// `host` must outlive the object; null is refused (throws, which the
  /// descriptor's create turns into a null result).
  explicit KvmHypervisor(sdk::Host* host);

  std::vector<sdk::ParamSpec> parameters() const override;
  sdk::Result<void> checkParameters(const sdk::ParamMap& hvparams) const override;
  sdk::Result<void> validateParameters(const sdk::ParamMap& hvparams) override;

  sdk::Result<void> startInstance(const sdk::InstanceSpec& instance,
                                  bool paused) override;
  sdk::Result<void> stopInstance(const sdk::InstanceSpec& instance,
                                 sdk::StopMode mode,
                                 std::chrono::seconds timeout) override;
  sdk::Result<void> rebootInstance(const sdk::InstanceSpec& instance,
                                   sdk::RebootType type) override;
  sdk::Result<void> cleanupInstance(std::string_view name) override;
  sdk::Result<std::vector<std::string>> listInstances() override;
  sdk::Result<std::optional<sdk::InstanceInfo>> instanceInfo(
      std::string_view name) override;
  sdk::Result<std::vector<sdk::InstanceInfo>> allInstancesInfo() override;
  sdk::Result<sdk::NodeResources> nodeResources() override;
  sdk::Result<sdk::ConsoleInfo> console(const sdk::InstanceSpec& instance) override;
  sdk::Result<void> verify() override;
  sdk::Result<void> balloonMemory(const sdk::InstanceSpec& instance,
                                  std::int64_t memoryMiB) override;

  bool canMigrate() const override { return true; }
  sdk::Result<std::string> migrationInfo(const sdk::InstanceSpec& instance) override;
  sdk::Result<void> acceptInstance(const sdk::InstanceSpec& instance,
                                   std::string_view info,
                                   std::string_view targetAddress) override;
  sdk::Result<void> migrateInstance(const sdk::InstanceSpec& instance,
                                    std::string_view targetAddress,
                                    bool live) override;
  sdk::Result<sdk::MigrationStatus> migrationStatus(
      const sdk::InstanceSpec& instance) override;
  sdk::Result<void> finalizeMigrationTarget(const sdk::InstanceSpec& instance,
                                            std::string_view info,
                                            bool success) override;
  sdk::Result<void> finalizeMigrationSource(const sdk::InstanceSpec& instance,
                                            bool success, bool live) override;
  sdk::Result<void> abortMigration(const sdk::InstanceSpec& instance) override;

  const RuntimeLayout& layout() const { return layout_; }

 private:
  struct Launch {
    bool paused = false;
    std::string incoming;
  };
  std::shared_ptr<std::mutex> instanceLock(std::string_view name);
  // The methods below expect the instance's lock to be held.
  std::optional<pid_t> pidOf(std::string_view name) const;
  sdk::Result<std::unique_ptr<QmpClient>> qmp(std::string_view name) const;
  sdk::Result<void> launch(const LaunchSpec& spec, const Launch& how);
  sdk::Result<void> connectNics(const LaunchSpec& spec);
  /// Pins the vCPU threads of a just started (paused) qemu; `resume`
  /// lets the guest run afterwards.
  sdk::Result<void> pinVcpus(const LaunchSpec& spec, const CpuMasks& masks, bool resume);
  enum class PressOutcome { kPressed, kNotAsked };
  /// One ACPI power button press through QMP; kNotAsked when the monitor
  /// cannot be reached or the guest is not running (a paused guest cannot
  /// act on it).
  PressOutcome pressPowerButton(std::string_view name);
  sdk::Result<void> stopLocked(std::string_view name, sdk::StopMode mode,
                               std::chrono::milliseconds timeout);
  sdk::Result<LaunchSpec> savedSpec(std::string_view name) const;
  /// What was started; with `askMonitor` also qemu's live state over QMP.
  sdk::Result<sdk::InstanceInfo> runningInfo(std::string_view name, pid_t pid,
                                            bool askMonitor) const;
  sdk::Result<std::string> qemuStatus(QmpClient& client) const;

  sdk::Host* host_;
  RuntimeLayout layout_;
  std::mutex locksMutex_;
  std::map<std::string, std::shared_ptr<std::mutex>, std::less<>> locks_;
  std::mutex versionMutex_;
  std::optional<std::string> hvVersion_;
};

}  // namespace gantry::plugins::kvm
