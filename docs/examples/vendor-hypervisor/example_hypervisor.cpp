// The smallest useful hypervisor plugin: it keeps "running" instances in a
// set in memory. Shows the shape every plugin has: derive from the SDK
// interface, take the Host in the constructor, return errors as values, and
// write the one GANTRY_PLUGIN line.
#include <mutex>
#include <set>
#include <string>

#include "gantry/sdk/sdk.h"

namespace example {

using namespace gantry::sdk;

class ExampleHypervisor : public Hypervisor {
 public:
  explicit ExampleHypervisor(Host* host) : host_(host) {}

  std::vector<ParamSpec> parameters() const override { return {}; }
  Result<void> checkParameters(const ParamMap& hv) const override {
    if (!hv.empty()) {
      return Error{ErrorCode::kInvalid,
                   "Parameter '" + hv.begin()->first + "' is not supported"};
    }
    return ok();
  }
  Result<void> validateParameters(const ParamMap&) override { return ok(); }

  Result<void> startInstance(const InstanceSpec& inst, bool) override {
    std::lock_guard lock(mutex_);
    if (!running_.insert(inst.name).second) {
      return Error{ErrorCode::kState,
                   "Failed to start instance " + inst.name + ": already running"};
    }
    host_->log(LogLevel::kInfo, "example: started " + inst.name);
    return ok();
  }
  Result<void> stopInstance(const InstanceSpec& inst, StopMode,
                            std::chrono::seconds) override {
    std::lock_guard lock(mutex_);
    running_.erase(inst.name);
    return ok();
  }
  Result<void> rebootInstance(const InstanceSpec&, RebootType) override {
    return ok();
  }
  Result<void> cleanupInstance(std::string_view) override { return ok(); }
  Result<std::vector<std::string>> listInstances() override {
    std::lock_guard lock(mutex_);
    return std::vector<std::string>(running_.begin(), running_.end());
  }
  Result<std::optional<InstanceInfo>> instanceInfo(std::string_view name) override {
    std::lock_guard lock(mutex_);
    if (running_.count(std::string(name)) == 0) return std::optional<InstanceInfo>{};
    return std::optional<InstanceInfo>(InstanceInfo{std::string(name), 0, 128, 1,
                                                    InstanceState::kRunning, 0});
  }
  Result<std::vector<InstanceInfo>> allInstancesInfo() override {
    std::vector<InstanceInfo> all;
    for (const auto& name : *listInstances()) all.push_back(**instanceInfo(name));
    return all;
  }
  Result<NodeResources> nodeResources() override {
    NodeResources r;
    r.memoryTotalMiB = 4096;
    r.memoryFreeMiB = 4096;
    r.cpuTotal = 2;
    return r;
  }
  Result<ConsoleInfo> console(const InstanceSpec& inst) override {
    ConsoleInfo c;
    c.instance = inst.name;
    c.message = "Console not available for the example hypervisor";
    return c;
  }
  Result<void> verify() override { return ok(); }
  Result<void> balloonMemory(const InstanceSpec&, std::int64_t) override {
    return unsupported();
  }
  bool canMigrate() const override { return false; }
  Result<std::string> migrationInfo(const InstanceSpec&) override {
    return unsupported();
  }
  Result<void> acceptInstance(const InstanceSpec&, std::string_view,
                              std::string_view) override {
    return unsupported();
  }
  Result<void> migrateInstance(const InstanceSpec&, std::string_view, bool) override {
    return unsupported();
  }
  Result<MigrationStatus> migrationStatus(const InstanceSpec&) override {
    return unsupported();
  }
  Result<void> finalizeMigrationTarget(const InstanceSpec&, std::string_view,
                                       bool) override {
    return unsupported();
  }
  Result<void> finalizeMigrationSource(const InstanceSpec&, bool, bool) override {
    return unsupported();
  }
  Result<void> abortMigration(const InstanceSpec&) override { return unsupported(); }

 private:
  static Error unsupported() {
    return Error{ErrorCode::kUnsupported, "the example hypervisor cannot migrate"};
  }

  Host* host_;
  std::mutex mutex_;
  std::set<std::string> running_;
};

}  // namespace example

GANTRY_PLUGIN(Hypervisor, example::ExampleHypervisor, "example", "0.3.0");
