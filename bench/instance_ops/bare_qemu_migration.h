// The reference for the kvm migration row: the same guest (kernel,
// initramfs, memory, TCG) migrated between two qemu processes driven
// directly over QMP, with Gantry's default bandwidth and downtime limit,
// counting what Gantry's migration also does: start the paused target,
// migrate, resume the target, end the source.
#pragma once

#include <filesystem>

#include "samples.h"

namespace gantry::bench {

struct BareGuest {
  std::filesystem::path qemu = "/usr/bin/qemu-system-x86_64";
  std::filesystem::path kernel;
  std::filesystem::path initrd;
  int memoryMiB = 256;
  int bandwidthMiB = 32;    // kvm's migration_bandwidth default
  int downtimeLimitMs = 30; // kvm's migration_downtime default
};

struct BareMigrationSamples {
  Samples total;     // target start to source gone
  Samples downtime;  // as qemu reports it
};

/// `runs` migrations, each of a freshly booted guest (its readiness line
/// seen), in `workDir` (sockets), to 127.0.0.1:`port`.
BareMigrationSamples measureBareQemuMigration(const BareGuest& guest, int runs,
                                              const std::filesystem::path& workDir, int port);

}  // namespace gantry::bench
