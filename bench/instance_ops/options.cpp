#include "options.h"

#include <cstdio>
#include <cstdlib>

namespace gantry::bench {
namespace {

[[noreturn]] void usage(const char* problem) {
  if (problem != nullptr) std::fprintf(stderr, "bench_instance_ops: %s\n", problem);
  std::fprintf(stderr,
               "usage: scripts/bench instance_ops [--runs N] [--instances N] [--checkpoint N]\n"
               "         [--started-fillers] [--base A.B] [--dir DIR] [--memory SIZE] [--keep]\n"
               "         [--kvm-runs N] [--kvm-base A.B]\n"
               "  --runs N        repetitions of each timed command (default 7)\n"
               "  --instances N   instances for the list/info figures (default 1000)\n"
               "  --checkpoint N  list is also timed at N instances (default 100)\n"
               "  --started-fillers  start the instances added for list/info (slower to add)\n"
               "  --base A.B      vcluster address base, 127.x (default 127.251)\n"
               "  --dir DIR       cluster directory (default: a fresh one under /tmp)\n"
               "  --memory SIZE   fake hypervisor memory per node (default 64G)\n"
               "  --keep          keep the cluster directory afterwards\n"
               "  --kvm-runs N    runs of the kvm rows on real qemu guests (default 3, 0: none)\n"
               "  --kvm-base A.B  address base of the kvm cluster (default 127.252)\n");
  std::exit(2);
}

int positive(const std::string& text, const char* option) {
  try {
    std::size_t used = 0;
    const int value = std::stoi(text, &used);
    if (used == text.size() && value > 0) return value;
  } catch (const std::exception&) {
  }
  usage((std::string(option) + " needs a positive number").c_str());
}

}  // namespace

Options parseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") usage(nullptr);
    if (arg == "--keep") {
      o.keep = true;
      continue;
    }
    if (arg == "--started-fillers") {
      o.startedFillers = true;
      continue;
    }
    if (i + 1 >= argc) usage((arg + " needs a value, or is unknown").c_str());
    const std::string value = argv[++i];
    if (arg == "--runs") {
      o.runs = positive(value, "--runs");
    } else if (arg == "--instances") {
      o.instances = positive(value, "--instances");
    } else if (arg == "--checkpoint") {
      o.checkpoint = positive(value, "--checkpoint");
    } else if (arg == "--base") {
      o.base = value;
    } else if (arg == "--dir") {
      o.dir = value;
    } else if (arg == "--memory") {
      o.memory = value;
    } else if (arg == "--kvm-runs") {
      o.kvmRuns = value == "0" ? 0 : positive(value, "--kvm-runs");
    } else if (arg == "--kvm-base") {
      o.kvmBase = value;
    } else {
      usage(("unknown option " + arg).c_str());
    }
  }
  if (o.checkpoint > o.instances) usage("--checkpoint must not exceed --instances");
  return o;
}

}  // namespace gantry::bench
