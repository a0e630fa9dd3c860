#include "query_latency.h"

namespace gantry::bench {
namespace {

// What every gnt-* tool prints (on stdout, exit 1) for a command it does
// not know (cli/common/tool.cpp).
bool refusedAsUnknownCommand(const ProcessResult& result) {
  return result.exitCode == 1 && result.out.find("Usage: gnt-instance {command}") == 0;
}

}  // namespace

Samples timeInstanceList(const VirtualCluster& cluster, int runs) {
  Samples s;
  for (int run = 0; run < runs; ++run) {
    s.add(cluster.runOk("node1", "gnt-instance", {"list"}).elapsedMs);
  }
  return s;
}

InfoLatency timeInstanceInfo(const VirtualCluster& cluster, const std::string& name, int runs) {
  InfoLatency latency;
  const ProcessResult probe = cluster.run("node1", "gnt-instance", {"info", name});
  if (refusedAsUnknownCommand(probe)) {
    latency.commandMissing = true;
    return latency;
  }
  if (probe.exitCode != 0) {
    throw CommandFailed({"gnt-instance", "info", name}, probe);
  }
  latency.samples.add(probe.elapsedMs);
  for (int run = 1; run < runs; ++run) {
    latency.samples.add(cluster.runOk("node1", "gnt-instance", {"info", name}).elapsedMs);
  }
  return latency;
}

}  // namespace gantry::bench
