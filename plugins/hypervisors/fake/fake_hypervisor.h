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
// The state dir is created when the object is made (as Ganeti does) and
// again on any write; verify() reports it missing if it vanished since.
// Every method is safe from several threads: one mutex guards the dir.
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>

#include "gantry/sdk/host.h"
#include "gantry/sdk/hypervisor.h"
#include "node_settings.h"
#include "state_file.h"

namespace gantry::plugins::fake {

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
  sdk::Result<bool> isAlive(std::string_view name) const;
  sdk::Result<std::vector<sdk::InstanceInfo>> allInfo() const;
  sdk::Result<sdk::NodeResources> resources() const;
  sdk::Result<std::int64_t> startupMemory(const sdk::InstanceSpec& instance) const;
  sdk::Result<void> markUp(const sdk::InstanceSpec& instance,
                           std::int64_t memoryMiB);

  sdk::Host* host_;
  std::filesystem::path stateDir_;
  sdk::Result<NodeSettings> settings_;
  mutable std::mutex mutex_;
};

}  // namespace gantry::plugins::fake
