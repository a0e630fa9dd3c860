// The kvm rows: real qemu guests (the tiny guest under TCG) on a 2-node
// virtual cluster started with `vcluster up --kvm`, each operation timed
// as the whole gnt-instance command, start also until the guest prints
// its readiness line on its serial console.
#pragma once

#include <string>

#include "samples.h"
#include "virtual_cluster.h"

namespace gantry::bench {

struct KvmSamples {
  Samples startToReady;    // startup + boot until the readiness line
  Samples migrate;         // migrate -f (live) to the other node
  Samples downtime;        // what qemu reported for each live migration
  Samples failover;        // failover -f back (stop + start)
  Samples stop;            // shutdown of a booted guest (ACPI power button)
};

/// The guest's memory: the size of the bare-qemu comparison's guest.
inline constexpr int kKvmGuestMemoryMiB = 256;

/// `runs` times, each on a new instance on node1: startup until ready,
/// live migrate to node2, failover to node1, shutdown, remove.
KvmSamples measureKvmLifecycle(const VirtualCluster& cluster, int runs,
                               const std::string& namePrefix);

}  // namespace gantry::bench
