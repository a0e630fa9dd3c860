// bench_instance_ops [--runs N] [--instances N] [--checkpoint N]
//                    [--started-fillers] [--base A.B] [--dir DIR]
//                    [--memory SIZE] [--keep] [--kvm-runs N] [--kvm-base A.B]
#pragma once

#include <filesystem>
#include <string>

namespace gantry::bench {

struct Options {
  int runs = 7;           // repetitions of every timed command
  int instances = 1000;   // the large cluster of the list/info figures
  int checkpoint = 100;   // list is also timed here, Ganeti's measuring point
  // The fillers are added stopped by default: each creation then commits
  // the config once instead of twice, which halves the time to fill.
  bool startedFillers = false;
  // Outside the 127.20-127.249 the integration tests draw their clusters'
  // bases from, and not vcluster's default 127.0, so that a test run or a
  // demo on the same host never shares the benchmark's addresses.
  std::string base = "127.251";
  std::filesystem::path dir;  // empty: a fresh directory under /tmp
  // The fake hypervisor's memory per node: room for a third of 1,000
  // started fillers (128 MiB each by default).
  std::string memory = "64G";
  bool keep = false;      // keep the cluster directory (daemons stop anyway)
  // The kvm rows: real qemu guests under TCG are slow to boot, so fewer
  // runs; on a cluster of their own, beside the fake one's addresses.
  int kvmRuns = 3;
  std::string kvmBase = "127.252";
};

/// Exits with a usage message on a bad command line.
Options parseOptions(int argc, char** argv);

}  // namespace gantry::bench
