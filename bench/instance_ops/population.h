// Fills the cluster with instances as fast as the master takes them:
// `gnt-instance batch-create` of a batch of definitions (one create job per
// instance, submitted by the master at once), so that the cost is the
// master's and not that of a tool start per instance.
#pragma once

#include <filesystem>
#include <string>

#include "virtual_cluster.h"

namespace gantry::bench {

struct PopulationSpec {
  std::string os;     // recorded as the instances' OS; nothing is installed
  bool started = false;
  int nodes = 3;      // spread round-robin over node1..nodeN
  int batchSize = 100;
  std::filesystem::path definitionDir;  // scratch space for the definition files
};

/// The name of the index-th filler instance (1-based).
std::string fillerName(int index);

/// Adds filler instances from+1 .. to (diskless), printing progress to
/// stderr; throws if a job fails or the count is not reached.
void populate(const VirtualCluster& cluster, const PopulationSpec& spec, int from, int to);

/// How many instances `gnt-instance list` shows.
int instanceCount(const VirtualCluster& cluster);

}  // namespace gantry::bench
