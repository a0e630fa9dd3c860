// bench_instance_ops [--runs N] [--instances N] [--checkpoint N]
//                    [--base A.B] [--dir DIR] [--memory SIZE] [--keep]
#pragma once

#include <filesystem>
#include <string>

namespace gantry::bench {

struct Options {
  int runs = 7;           // repetitions of every timed command
  int instances = 1000;   // the large cluster of the list/info figures
  int checkpoint = 100;   // list is also timed here, Ganeti's measuring point
  // Far from 127.0 (vcluster's default) and the tests' bases, so that a
  // test run on the same host does not take its addresses.
  std::string base = "127.77";
  std::filesystem::path dir;  // empty: a fresh directory under /tmp
  // The fake hypervisor's memory per node: room for every filler instance
  // (started, 128 MiB each by default) on its third of the nodes.
  std::string memory = "128G";
  bool keep = false;      // keep the cluster directory (daemons stop anyway)
};

/// Exits with a usage message on a bad command line.
Options parseOptions(int argc, char** argv);

}  // namespace gantry::bench
