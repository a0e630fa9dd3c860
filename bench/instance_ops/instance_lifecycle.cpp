#include "instance_lifecycle.h"

#include <cstdio>

namespace gantry::bench {
namespace {

// The master runs on node1; every command is typed there.
constexpr const char* kMasterNode = "node1";

double timedInstanceCommand(const VirtualCluster& cluster, const std::vector<std::string>& args) {
  return cluster.runOk(kMasterNode, "gnt-instance", args).elapsedMs;
}

double addStarted(const VirtualCluster& cluster, const std::string& diskTemplate,
                  const std::string& os, const std::string& name) {
  return timedInstanceCommand(cluster, {"add", "-t", diskTemplate, "-s", "1G", "-o", os, "-n",
                                        "node1", "--no-name-check", "--no-ip-check", name});
}

std::string runName(const std::string& prefix, int run) { return prefix + std::to_string(run); }

}  // namespace

LifecycleSamples measureLifecycle(const VirtualCluster& cluster, const std::string& os,
                                  int runs, const std::string& namePrefix) {
  LifecycleSamples s;
  for (int run = 1; run <= runs; ++run) {
    const std::string name = runName(namePrefix, run);
    const double add = addStarted(cluster, "sharedfile", os, name);
    const double shutdown = timedInstanceCommand(cluster, {"shutdown", name});
    const double startup = timedInstanceCommand(cluster, {"startup", name});
    const double migrate = timedInstanceCommand(cluster, {"migrate", "-f", "-n", "node2", name});
    const double failover = timedInstanceCommand(cluster, {"failover", "-f", "-n", "node3", name});
    const double remove = timedInstanceCommand(cluster, {"remove", "-f", name});
    s.add.add(add);
    s.shutdown.add(shutdown);
    s.startup.add(startup);
    s.migrate.add(migrate);
    s.failover.add(failover);
    s.remove.add(remove);
    std::fprintf(stderr,
                 "  %s: add %.0f, shutdown %.0f, startup %.0f, migrate %.0f, failover %.0f, "
                 "remove %.0f ms\n",
                 name.c_str(), add, shutdown, startup, migrate, failover, remove);
  }
  return s;
}

AddRemoveSamples measureAddRemove(const VirtualCluster& cluster, const std::string& diskTemplate,
                                  const std::string& os, int runs, const std::string& namePrefix) {
  AddRemoveSamples s;
  for (int run = 1; run <= runs; ++run) {
    const std::string name = runName(namePrefix, run);
    const double add = addStarted(cluster, diskTemplate, os, name);
    const double remove = timedInstanceCommand(cluster, {"remove", "-f", name});
    s.add.add(add);
    s.remove.add(remove);
    std::fprintf(stderr, "  %s: add %.0f, remove %.0f ms\n", name.c_str(), add, remove);
  }
  return s;
}

}  // namespace gantry::bench
