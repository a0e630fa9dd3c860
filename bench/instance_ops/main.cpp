// bench_instance_ops: wall time of Gantry's instance operations on a
// 3-node virtual cluster (scripts/vcluster, fake hypervisor), through the
// real gnt-* tools, beside Ganeti 3.0's figures on the same kind of
// machine:
//  1. on an empty cluster, --runs times each: add (1 GiB sharedfile disk,
//     the shipped OS installed, started), shutdown, startup, live migrate,
//     failover, remove; add and remove with a 1 GiB file disk;
//  2. `gnt-instance list` at --checkpoint instances (where Ganeti was
//     measured), then list, `gnt-instance info`, add and remove at
//     --instances instances (diskless fillers, stopped unless
//     --started-fillers, spread over the nodes, added with
//     gnt-instance batch-create);
//  3. unless --kvm-runs 0, on a 2-node cluster with kvm (the tiny guest
//     under TCG): start until the readiness line, live migration with the
//     downtime qemu reports, failover, stop; beside a bare-qemu migration
//     of the same guest (two qemu processes over QMP).
// The table goes to stdout, progress to stderr. Any failing command ends
// the run with its output; the cluster is brought down in every case.
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "ganeti_figures.h"
#include "bare_qemu_migration.h"
#include "instance_lifecycle.h"
#include "kvm_lifecycle.h"
#include "options.h"
#include "population.h"
#include "query_latency.h"
#include "report_table.h"
#include "virtual_cluster.h"

namespace {

namespace fs = std::filesystem;
using namespace gantry::bench;
using Clock = std::chrono::steady_clock;

constexpr int kNodes = 3;
constexpr const char* kShippedOs = "gantry-image";

// The daemons, tools and plugins sit beside this executable in the
// Release tree scripts/bench builds; the OS definition under share/.
fs::path checkedBinDir() {
  const fs::path binDir = fs::canonical("/proc/self/exe").parent_path();
  for (const fs::path& needed :
       {binDir / "gantry-masterd", binDir / "gantry-noded", binDir / "gnt-instance",
        binDir / ".." / "share" / "gantry" / "os" / kShippedOs / "create"}) {
    if (!fs::exists(needed)) {
      throw std::runtime_error(needed.string() +
                               " is missing: build and run through `scripts/bench instance_ops`");
    }
  }
  return binDir;
}

ClusterSettings clusterSettings(const Options& o, const fs::path& binDir) {
  ClusterSettings s;
  s.vclusterScript = fs::path(GANTRY_SOURCE_DIR) / "scripts" / "vcluster";
  s.binDir = binDir;
  s.base = o.base;
  s.nodes = kNodes;
  s.nodeMemory = o.memory;
  if (o.dir.empty()) {
    // Short: the master's unix socket path below it must fit in 107 bytes.
    std::string pattern = "/tmp/bench-instance-ops-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    s.dir = pattern;
    s.removeDirAtEnd = !o.keep;
  } else {
    s.dir = fs::absolute(o.dir);
    s.removeDirAtEnd = false;  // the caller's directory
  }
  return s;
}

// The shipped OS as `gnt-os list` names it: with its default variant when
// it has variants (an add without one is refused).
std::string shippedOsName(const VirtualCluster& cluster) {
  const ProcessResult list = cluster.runOk("node1", "gnt-os", {"list", "--no-headers"});
  const std::string withVariant = std::string(kShippedOs) + "+default";
  bool plain = false;
  std::size_t start = 0;
  while (start < list.out.size()) {
    std::size_t end = list.out.find('\n', start);
    if (end == std::string::npos) end = list.out.size();
    std::string line = list.out.substr(start, end - start);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (line == withVariant) return withVariant;
    plain = plain || line == kShippedOs;
    start = end + 1;
  }
  if (plain) return kShippedOs;
  throw std::runtime_error(std::string("gnt-os list does not show the shipped OS ") + kShippedOs +
                           "; it shows:\n" + list.out);
}

// The kvm rows and their bare-qemu reference, printed as a table of
// their own.
void runKvmRows(const Options& o, const fs::path& binDir) {
  ClusterSettings settings = clusterSettings(o, binDir);
  settings.base = o.kvmBase;
  settings.nodes = 2;
  settings.upOptions = {"--kvm"};
  if (!o.dir.empty()) settings.dir = fs::absolute(o.dir) / "kvm";
  VirtualCluster cluster(settings);
  std::fprintf(stderr, "bringing up a 2-node kvm virtual cluster in %s (--base %s)\n",
               cluster.settings().dir.c_str(), o.kvmBase.c_str());
  cluster.up();
  std::fprintf(stderr, "kvm operations (runs: %d)\n", o.kvmRuns);
  const KvmSamples kvm = measureKvmLifecycle(cluster, o.kvmRuns, "bench-kvm-");
  cluster.down();

  // vcluster --kvm built the tiny guest beside the binaries.
  BareGuest guest;
  guest.kernel = binDir / ".." / "tiny-guest" / "vmlinuz";
  guest.initrd = binDir / ".." / "tiny-guest" / "initrd.img";
  guest.memoryMiB = kKvmGuestMemoryMiB;
  std::fprintf(stderr, "bare qemu migrations of the same guest (runs: %d)\n", o.kvmRuns);
  std::string pattern = "/tmp/bench-bare-qemu-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  BareMigrationSamples bare;
  try {
    bare = measureBareQemuMigration(guest, o.kvmRuns, pattern, 48102);
  } catch (...) {
    fs::remove_all(pattern);
    throw;
  }
  fs::remove_all(pattern);

  const double bareMedian = bare.total.median();
  const GanetiFigure bareMigration{bareMedian, bareMedian, ""};
  const GanetiFigure bareDowntime{bare.downtime.median(), bare.downtime.median(), ""};
  const double withinPercent = 100.0 * (kvm.migrate.median() - bareMedian) / bareMedian;
  char goal[96];
  std::snprintf(goal, sizeof goal, "within 20%% of bare qemu: %+.0f%%, %s", withinPercent,
                withinPercent <= 20 ? "met" : "MISSED");
  const std::vector<ReportRow> rows = {
      {"startup, until the readiness line", kvm.startToReady, std::nullopt, std::nullopt, "", ""},
      {"migrate -f (live, 256 MiB idle guest)", kvm.migrate, bareMigration, std::nullopt, "",
       goal},
      {"  downtime qemu reported", kvm.downtime, bareDowntime, std::nullopt, "", ""},
      {"failover -f (stop + start)", kvm.failover, std::nullopt, std::nullopt, "", ""},
      {"shutdown (ACPI power button)", kvm.stop, std::nullopt, std::nullopt, "", ""},
  };
  std::printf(
      "\ngnt-instance on a 2-node virtual cluster with kvm: real qemu (TCG) booting the tiny\n"
      "guest (%d MiB), sharedfile disk, Release build, %d runs. Bare qemu: the same guest\n"
      "migrated between two qemu processes over QMP (target start to source gone), in the\n"
      "same run. bare/Gantry above 1: Gantry is faster.\n\n",
      kKvmGuestMemoryMiB, o.kvmRuns);
  printReport(stdout, rows, "bare qemu", "bare/Gantry");
}

std::string atCount(const std::string& operation, int instances) {
  return operation + ", " + std::to_string(instances) + " instances";
}

int run(const Options& o) {
  const auto begin = Clock::now();
  const fs::path binDir = checkedBinDir();
  VirtualCluster cluster(clusterSettings(o, binDir));
  const fs::path dir = cluster.settings().dir;
  std::fprintf(stderr, "bringing up a %d-node virtual cluster in %s (--base %s)\n", kNodes,
               dir.c_str(), o.base.c_str());
  cluster.up();
  const std::string os = shippedOsName(cluster);

  std::fprintf(stderr, "single-instance operations (runs: %d, OS %s)\n", o.runs, os.c_str());
  const LifecycleSamples life = measureLifecycle(cluster, os, o.runs, "bench-sharedfile-");
  const AddRemoveSamples file = measureAddRemove(cluster, "file", os, o.runs, "bench-file-");

  PopulationSpec fillers;
  fillers.os = os;
  fillers.started = o.startedFillers;
  fillers.nodes = kNodes;
  fillers.definitionDir = dir / "filler-definitions";
  std::fprintf(stderr, "adding %d instances\n", o.checkpoint);
  populate(cluster, fillers, 0, o.checkpoint);
  const Samples listSmall = timeInstanceList(cluster, o.runs);

  std::fprintf(stderr, "adding up to %d instances\n", o.instances);
  populate(cluster, fillers, o.checkpoint, o.instances);
  const Samples listLarge = timeInstanceList(cluster, o.runs);
  const InfoLatency info = timeInstanceInfo(cluster, fillerName(o.instances / 2), o.runs);
  std::fprintf(stderr, "add and remove at %d instances\n", o.instances);
  const AddRemoveSamples large = measureAddRemove(cluster, "sharedfile", os, o.runs, "bench-big-");

  std::fprintf(stderr, "bringing the cluster down\n");
  cluster.down();

  std::vector<ReportRow> rows = {
      {"add -t sharedfile -s 1G (OS, started)", life.add, kGanetiAdd, kGoalAddMs, ""},
      {"add -t file -s 1G (OS, started)", file.add, kGanetiAdd, kGoalAddMs, ""},
      {"shutdown", life.shutdown, std::nullopt, std::nullopt, ""},
      {"startup", life.startup, std::nullopt, std::nullopt, ""},
      {"migrate -f (live, sharedfile)", life.migrate, kGanetiLiveMigrate, std::nullopt, ""},
      {"failover -f (running, sharedfile)", life.failover, kGanetiFailover, std::nullopt, ""},
      {"remove -f (sharedfile 1G)", life.remove, kGanetiRemove, std::nullopt, ""},
      {"remove -f (file 1G)", file.remove, kGanetiRemove, std::nullopt, ""},
      {atCount("list", o.checkpoint), listSmall, ganetiListFigure(o.checkpoint), std::nullopt, ""},
      {atCount("list", o.instances), listLarge, ganetiListFigure(o.instances), kGoalListMs, ""},
      {atCount("info", o.instances), info.samples, std::nullopt, std::nullopt,
       info.commandMissing ? "n/a (gnt-instance info not available)" : ""},
      {atCount("add -t sharedfile -s 1G (OS, started)", o.instances), large.add, kGanetiAdd,
       kGoalAddMs, ""},
      {atCount("remove -f (sharedfile 1G)", o.instances), large.remove, kGanetiRemove,
       std::nullopt, ""},
  };
  std::printf(
      "gnt-instance on a %d-node virtual cluster (fake hypervisor, Release build): wall time\n"
      "of the whole command on the master node, %d runs. Rows without an instance count ran\n"
      "on an empty cluster, the others beside that many diskless %s instances.\n"
      "Ganeti 3.0: the issue's figures on the same kind of machine (add: 1 GiB file disk;\n"
      "list: at 100 instances only). Ganeti/Gantry above 1: Gantry is faster.\n\n",
      kNodes, o.runs, o.startedFillers ? "started" : "stopped");
  printReport(stdout, rows);
  std::fflush(stdout);
  if (o.kvmRuns > 0) runKvmRows(o, binDir);
  std::printf("\ntotal wall time of the benchmark: %.1f s\n",
              std::chrono::duration<double>(Clock::now() - begin).count());
  if (o.keep) std::fprintf(stderr, "cluster directory kept: %s\n", dir.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parseOptions(argc, argv);
  try {
    return run(options);
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "bench_instance_ops: %s\n", e.what());
  }
  return 1;
}
