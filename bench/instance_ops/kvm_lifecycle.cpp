#include "kvm_lifecycle.h"

#include <chrono>
#include <cstdio>

#include "serial_console.h"

namespace gantry::bench {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kMasterNode = "node1";
constexpr auto kBootTimeout = std::chrono::seconds(90);
constexpr const char* kReadyLine = "GANTRY-GUEST-READY";
constexpr const char* kDowntimeLine = "* downtime reported by the hypervisor: ";

fs::path serialSocket(const VirtualCluster& cluster, const std::string& node,
                      const std::string& name) {
  return cluster.settings().dir / node / "var/run/gantry/kvm-hypervisor/ctrl" / (name + ".serial");
}

double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void waitUntilReady(const VirtualCluster& cluster, const std::string& node,
                    const std::string& name) {
  if (!waitForConsoleText(serialSocket(cluster, node, name), kReadyLine, kBootTimeout)) {
    throw std::runtime_error("instance " + name + " printed no readiness line on " + node);
  }
}

// The downtime the migration's job log reports, or -1.
double reportedDowntime(const std::string& output) {
  const auto at = output.find(kDowntimeLine);
  if (at == std::string::npos) return -1;
  return std::atof(output.c_str() + at + std::string(kDowntimeLine).size());
}

}  // namespace

KvmSamples measureKvmLifecycle(const VirtualCluster& cluster, int runs,
                               const std::string& namePrefix) {
  KvmSamples s;
  auto gnt = [&](const std::vector<std::string>& args) {
    return cluster.runOk(kMasterNode, "gnt-instance", args);
  };
  for (int run = 1; run <= runs; ++run) {
    const std::string name = namePrefix + std::to_string(run);
    gnt({"add", "-t", "sharedfile", "-s", "256M", "--no-nics", "--no-start", "-o",
         "gantry-image+default", "-n", "node1", "-B",
         "maxmem=" + std::to_string(kKvmGuestMemoryMiB) + "M,minmem=" +
             std::to_string(kKvmGuestMemoryMiB) + "M",
         "-H", "kvm:kernel_args=ro gantry.name=" + name, "--no-name-check", "--no-ip-check",
         name});
    const auto startBegin = Clock::now();
    gnt({"startup", name});
    waitUntilReady(cluster, "node1", name);
    const double start = msSince(startBegin);

    const ProcessResult migrated = gnt({"migrate", "-f", "-n", "node2", name});
    const double downtime = reportedDowntime(migrated.out);
    const double failover = gnt({"failover", "-f", "-n", "node1", name}).elapsedMs;
    // A guest still booting ignores the power button: stop a booted one.
    waitUntilReady(cluster, "node1", name);
    const double stop = gnt({"shutdown", "--timeout", "30", name}).elapsedMs;
    gnt({"remove", "-f", name});

    s.startToReady.add(start);
    s.migrate.add(migrated.elapsedMs);
    if (downtime >= 0) s.downtime.add(downtime);
    s.failover.add(failover);
    s.stop.add(stop);
    std::fprintf(stderr,
                 "  %s: start to ready %.0f, migrate %.0f (downtime %.0f), failover %.0f, "
                 "stop %.0f ms\n",
                 name.c_str(), start, migrated.elapsedMs, downtime, failover, stop);
  }
  return s;
}

}  // namespace gantry::bench
