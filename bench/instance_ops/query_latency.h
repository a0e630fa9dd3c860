// Latency of the read-only instance commands, the whole tool as the
// operator runs it (process start, LUXI query, live data from the nodes,
// table formatting).
#pragma once

#include <string>

#include "samples.h"
#include "virtual_cluster.h"

namespace gantry::bench {

/// `gnt-instance list` (default fields, headers) `runs` times.
Samples timeInstanceList(const VirtualCluster& cluster, int runs);

struct InfoLatency {
  Samples samples;
  /// Set when this gnt-instance has no `info` command (it prints its
  /// command list instead): the row says so rather than failing the run.
  bool commandMissing = false;
};

/// `gnt-instance info NAME` `runs` times; any other failure throws.
InfoLatency timeInstanceInfo(const VirtualCluster& cluster, const std::string& name, int runs);

}  // namespace gantry::bench
