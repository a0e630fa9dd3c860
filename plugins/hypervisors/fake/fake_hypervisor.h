// The `fake` hypervisor (Ganeti's hv_fake): no guests run; a running
// instance is a file `<runDir>/fake-hypervisor/<name>` holding
// "0\n<memory MiB>\n<vcpus>\n". State lives under the node's root, so it
// survives a node daemon restart and nodes with different roots sharing one
// host stay independent.
//
// Node resources come from the host's settings instead of /proc:
//   fake.memory       total memory (default 32768 MiB; "32G" or MiB)
//   fake.node_memory  memory the node itself uses (default 1024 MiB)
//   fake.cpus         CPUs (default 4)
//   fake.node_cpus    CPUs the node itself uses (default: fake.cpus, as
//                     Ganeti's Linux node info reports)
// memory_free = total - node memory - memory of running fake instances,
// never below 0.
//
// Beside Ganeti's file, `<runDir>/fake-hypervisor-extra/<name>` keeps what
// that format has no room for (paused, boot count), and
// `<runDir>/fake-hypervisor-migration/<name>.{incoming,outgoing}` the two
// ends of a migration (see fake_records.h).
//
// Behaviour settings, read at each call:
//   fake.soft_shutdown  obey (default): a soft stop ends the guest at once;
//                       ignore: the guest ignores it, the stop waits for
//                       its timeout and then destroys it
//   fake.migration      complete (default), fail or stall: how a transfer
//                       started by migrateInstance ends (stall: stays
//                       active until aborted)
//
// The state dir is created when the object is made (as Ganeti does) and
// again on any write; verify() reports it missing if it vanished since.
// Every method is safe from several threads: one mutex guards the dir.
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>

#include "gantry/sdk/host.h"
#include "gantry/sdk/hypervisor.h"
#include "fake_records.h"
#include "node_settings.h"
#include "state_file.h"

namespace gantry::plugins::fake {

inline constexpr std::string_view kSettingSoftShutdown = "fake.soft_shutdown";
inline constexpr std::string_view kSettingMigration = "fake.migration";

enum class SoftShutdown { kObey, kIgnore };
enum class MigrationOutcome { kComplete, kFail, kStall };

class FakeHypervisor final : public sdk::Hypervisor {
 public:
  /// `host` must outlive the object; null is refused (throws, which the
  /// descriptor's create turns into a null result).
  explicit FakeHypervisor(sdk::Host* host);

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

 private:
  // Everything below expects mutex_ to be held.
  std::filesystem::path fileOf(std::string_view name) const;
  sdk::Result<std::optional<StateRecord>> readRecord(std::string_view name) const;
  sdk::Result<void> writeRecord(std::string_view name, const StateRecord& record);
  sdk::Result<void> writeIn(const std::filesystem::path& dir,
                            const std::filesystem::path& file, std::string_view content);
  sdk::Result<bool> isAlive(std::string_view name) const;
  InstanceExtras readExtras(std::string_view name) const;
  sdk::Result<void> writeExtras(std::string_view name, const InstanceExtras& extras);
  std::filesystem::path migrationFile(std::string_view name, bool incoming) const;
  sdk::Result<std::optional<OutgoingMigration>> readOutgoing(std::string_view name) const;
  sdk::Result<void> writeOutgoing(std::string_view name, const OutgoingMigration& outgoing);
  /// Removes the state file and the extras.
  sdk::Result<void> markDown(std::string_view name);
  sdk::Result<std::vector<sdk::InstanceInfo>> allInfo() const;
  sdk::InstanceInfo infoOf(const std::string& name, const StateRecord& record) const;
  sdk::Result<sdk::NodeResources> resources() const;
  sdk::Result<std::int64_t> startupMemory(const sdk::InstanceSpec& instance) const;
  static std::int64_t vcpusOf(const sdk::InstanceSpec& instance);
  sdk::Result<void> markUp(const sdk::InstanceSpec& instance,
                           std::int64_t memoryMiB);
  sdk::Result<SoftShutdown> softShutdownSetting() const;
  sdk::Result<MigrationOutcome> migrationSetting() const;

  sdk::Host* host_;
  std::filesystem::path stateDir_;
  std::filesystem::path extrasDir_;
  std::filesystem::path migrationDir_;
  sdk::Result<NodeSettings> settings_;
  mutable std::mutex mutex_;
};

}  // namespace gantry::plugins::fake
