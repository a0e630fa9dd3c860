// What the fake hypervisor keeps beside Ganeti's three-line state file: the
// extras of a running instance (paused, boot count), the state that travels
// with a migration, and the source's record of a migration in progress. All
// are small "key=value" texts; the state file stays exactly Ganeti's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gantry/sdk/hypervisor.h"

namespace gantry::plugins::fake {

/// Extras of a running instance (`<runDir>/fake-hypervisor-extra/<name>`).
struct InstanceExtras {
  bool paused = false;       // started with `paused`, or frozen for a non-live move
  std::int64_t boots = 1;    // 1 after start, +1 for every reboot
};
std::string formatExtras(const InstanceExtras& extras);
std::optional<InstanceExtras> parseExtras(std::string_view text);

/// The instance's state as migrationInfo hands it to the target (the
/// "opaque" info string the master passes along).
struct MigrationPayload {
  std::string name;
  std::int64_t memoryMiB = 0;
  std::int64_t vcpus = 0;
  std::int64_t boots = 1;
};
std::string formatPayload(const MigrationPayload& payload);
/// nullopt unless `text` is a payload made by formatPayload.
std::optional<MigrationPayload> parsePayload(std::string_view text);

/// The source's record of a migration it started
/// (`<runDir>/fake-hypervisor-migration/<name>.outgoing`).
struct OutgoingMigration {
  std::string target;
  bool live = true;
  sdk::MigrationStatus::State state = sdk::MigrationStatus::State::kActive;
  std::int64_t memoryMiB = 0;  // what is (to be) transferred
  std::string message;         // why it failed
};
std::string formatOutgoing(const OutgoingMigration& outgoing);
std::optional<OutgoingMigration> parseOutgoing(std::string_view text);

/// "active", "completed", "failed", "cancelled" (Ganeti's status names).
const char* migrationStateName(sdk::MigrationStatus::State state);

}  // namespace gantry::plugins::fake
