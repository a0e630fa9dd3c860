// The hypervisor interface: one object per node daemon (node side) and one
// in the master (parameter checks only). Methods may be called from several
// job threads at once. Failures are returned, never thrown. Methods are
// idempotent where Ganeti's are: stopping a stopped instance succeeds.
// Since ABI 1.0 unless marked otherwise.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/sdk/instance_spec.h"
#include "gantry/sdk/params.h"
#include "gantry/sdk/result.h"
#include "gantry/sdk/visibility.h"

namespace gantry::sdk {

enum class InstanceState { kRunning, kShutdown, kPaused, kCrashed };

/// Ganeti's GetInstanceInfo tuple.
struct InstanceInfo {
  std::string name;
  std::int64_t id = 0;
  std::int64_t memoryMiB = 0;
  std::int64_t vcpus = 0;
  InstanceState state = InstanceState::kRunning;
  double cpuTimeSeconds = 0;
};

/// Ganeti's GetNodeInfo dict, MiB and CPU counts.
struct NodeResources {
  std::int64_t memoryTotalMiB = 0;
  std::int64_t memoryFreeMiB = 0;
  std::int64_t memoryDom0MiB = 0;  // memory the node itself uses
  std::int64_t memoryHvMiB = 0;    // memory the hypervisor reserves
  std::int64_t cpuTotal = 0;
  std::int64_t cpuDom0 = 0;
  std::int64_t cpuNodes = 1;
  std::int64_t cpuSockets = 1;
  std::string hvVersion;
};

enum class StopMode { kSoft, kHard };
enum class RebootType { kSoft, kHard, kFull };

/// How an operator reaches the console (Ganeti's console object).
struct ConsoleInfo {
  enum class Kind { kMessage, kSsh, kVnc, kSpice, kSerialSocket };
  Kind kind = Kind::kMessage;
  std::string instance;
  std::string message;               // kMessage
  std::string host;                  // kSsh, kVnc, kSpice
  std::int64_t port = 0;
  std::string user;                  // kSsh
  std::vector<std::string> command;  // kSsh: argv to run on the node
  std::int64_t display = 0;          // kVnc
  std::string socketPath;            // kSerialSocket: unix socket on the node
};

struct MigrationStatus {
  enum class State { kActive, kCompleted, kFailed, kCancelled };
  State state = State::kCompleted;
  std::int64_t transferredRamBytes = 0;
  std::int64_t totalRamBytes = 0;
  std::int64_t remainingRamBytes = 0;
  std::int64_t downtimeMs = 0;  // as the hypervisor reports it, if known
  std::string message;          // why it failed, if it did
};

class GANTRY_SDK_API Hypervisor {
 public:
  static constexpr const char* kKind = "hypervisor";
  virtual ~Hypervisor() = default;

  // --- master side: no node access -------------------------------------
  /// The parameters this hypervisor understands, with defaults.
  virtual std::vector<ParamSpec> parameters() const = 0;
  /// Syntax check of filled hvparams (Ganeti's CheckParameterSyntax); the
  /// error names the parameter: "Parameter 'x' is not supported".
  virtual Result<void> checkParameters(const ParamMap& hvparams) const = 0;

  // --- node side ----------------------------------------------------------
  /// Node-side check of hvparams (files exist, ...): ValidateParameters.
  virtual Result<void> validateParameters(const ParamMap& hvparams) = 0;
  /// Starts the instance with its disks already assembled. `paused` starts
  /// it stopped (migration target, `--paused`).
  virtual Result<void> startInstance(const InstanceSpec& instance,
                                     bool paused) = 0;
  /// Soft: ask the guest, then hard-stop after `timeout`. Hard: destroy.
  /// Stopping an instance that is not running succeeds.
  virtual Result<void> stopInstance(const InstanceSpec& instance,
                                    StopMode mode,
                                    std::chrono::seconds timeout) = 0;
  /// Soft or hard reboot in place; kFull is done by the master as stop+start.
  virtual Result<void> rebootInstance(const InstanceSpec& instance,
                                      RebootType type) = 0;
  /// Releases what a stopped instance left behind (sockets, taps, files).
  virtual Result<void> cleanupInstance(std::string_view name) = 0;
  /// Names of the instances running (or paused) on this node.
  virtual Result<std::vector<std::string>> listInstances() = 0;
  /// One instance's live state; nullopt when it is not running here.
  virtual Result<std::optional<InstanceInfo>> instanceInfo(
      std::string_view name) = 0;
  /// Every instance running here.
  virtual Result<std::vector<InstanceInfo>> allInstancesInfo() = 0;
  /// Memory and CPUs of this node as the hypervisor sees them, with what
  /// running instances hold already subtracted from memoryFreeMiB.
  virtual Result<NodeResources> nodeResources() = 0;
  /// How to reach the console of a running instance.
  virtual Result<ConsoleInfo> console(const InstanceSpec& instance) = 0;
  /// Health of the hypervisor on this node: an error text when broken.
  virtual Result<void> verify() = 0;
  /// Changes the memory of a running instance (ballooning).
  virtual Result<void> balloonMemory(const InstanceSpec& instance,
                                     std::int64_t memoryMiB) = 0;

  // --- migration, in the order the master calls them --------------------
  /// Whether live migration is possible at all (Ganeti's CAN_MIGRATE).
  virtual bool canMigrate() const = 0;
  /// Source: opaque data the target needs to accept the instance.
  virtual Result<std::string> migrationInfo(const InstanceSpec& instance) = 0;
  /// Target: prepare to receive (e.g. start a paused, listening process).
  virtual Result<void> acceptInstance(const InstanceSpec& instance,
                                      std::string_view info,
                                      std::string_view targetAddress) = 0;
  /// Source: start sending; may return before the transfer is done.
  virtual Result<void> migrateInstance(const InstanceSpec& instance,
                                       std::string_view targetAddress,
                                       bool live) = 0;
  /// Source: progress of the transfer migrateInstance started.
  virtual Result<MigrationStatus> migrationStatus(
      const InstanceSpec& instance) = 0;
  /// Target: mark running on success, clean up on failure.
  virtual Result<void> finalizeMigrationTarget(const InstanceSpec& instance,
                                               std::string_view info,
                                               bool success) = 0;
  /// Source: drop the source copy on success, resume it on failure.
  virtual Result<void> finalizeMigrationSource(const InstanceSpec& instance,
                                               bool success, bool live) = 0;
  /// Source: abort a transfer in progress (migrate --cleanup, failures).
  virtual Result<void> abortMigration(const InstanceSpec& instance) = 0;
};

}  // namespace gantry::sdk
