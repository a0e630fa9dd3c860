// The single-instance operations, each timed as the whole gnt-instance
// command (process start, job submission, waiting for the job).
#pragma once

#include <string>

#include "samples.h"
#include "virtual_cluster.h"

namespace gantry::bench {

struct LifecycleSamples {
  Samples add, shutdown, startup, migrate, failover, remove;
};

/// `runs` times, each on a new instance: add (sharedfile, 1 GiB, OS
/// installed, started) on node1, shutdown, startup, live migrate to node2,
/// failover to node3, remove.
LifecycleSamples measureLifecycle(const VirtualCluster& cluster, const std::string& os,
                                  int runs, const std::string& namePrefix);

struct AddRemoveSamples {
  Samples add, remove;
};

/// `runs` times: add (1 GiB disk of `diskTemplate`, OS installed, started)
/// on node1, then remove.
AddRemoveSamples measureAddRemove(const VirtualCluster& cluster, const std::string& diskTemplate,
                                  const std::string& os, int runs, const std::string& namePrefix);

}  // namespace gantry::bench
