#include "population.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace gantry::bench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Diskless: the list and info figures are about the master's config and
// the nodes' live data, and 1,000 disks would only cost time to create.
json createOpcode(const PopulationSpec& spec, int index) {
  return {{"OP_ID", "OP_INSTANCE_CREATE"},
          {"instance_name", fillerName(index)},
          {"mode", "create"},
          {"disk_template", "diskless"},
          {"disks", json::array()},
          {"nics", json::array({json::object()})},
          {"os_type", spec.os},
          {"no_install", true},
          {"start", spec.started},
          {"pnode", "node" + std::to_string((index - 1) % spec.nodes + 1)},
          {"beparams", json::object()},
          {"osparams", json::object()},
          {"tags", json::array()}};
}

fs::path writeJobFile(const PopulationSpec& spec, int index) {
  const fs::path path = spec.jobDir / (fillerName(index) + ".json");
  std::ofstream out(path);
  out << json::array({createOpcode(spec, index)}).dump() << "\n";
  if (!out) throw std::runtime_error("cannot write " + path.string());
  return path;
}

// gnt-debug submit-job exits 0 even when jobs fail; it says so on stderr.
void submitBatch(const VirtualCluster& cluster, const PopulationSpec& spec, int first, int last) {
  std::vector<std::string> args = {"submit-job"};
  std::vector<fs::path> files;
  for (int index = first; index <= last; ++index) {
    files.push_back(writeJobFile(spec, index));
    args.push_back(files.back().string());
  }
  const ProcessResult result = cluster.runOk("node1", "gnt-debug", args);
  for (const auto& f : files) fs::remove(f);
  if (!result.err.empty()) {
    throw std::runtime_error("gnt-debug submit-job reported failed jobs while adding " +
                             fillerName(first) + ".." + fillerName(last) + ":\n" + result.err);
  }
}

}  // namespace

std::string fillerName(int index) {
  char name[32];
  std::snprintf(name, sizeof name, "fill-%04d", index);
  return name;
}

void populate(const VirtualCluster& cluster, const PopulationSpec& spec, int from, int to) {
  fs::create_directories(spec.jobDir);
  const auto start = std::chrono::steady_clock::now();
  for (int first = from + 1; first <= to; first += spec.batchSize) {
    const int last = std::min(to, first + spec.batchSize - 1);
    submitBatch(cluster, spec, first, last);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "  populating: %d/%d instances (%.1f s, %.1f ms per instance)\n", last,
                 to, seconds, 1000 * seconds / (last - from));
  }
  const int count = instanceCount(cluster);
  if (count != to) {
    throw std::runtime_error("gnt-instance list shows " + std::to_string(count) +
                             " instances, expected " + std::to_string(to));
  }
}

int instanceCount(const VirtualCluster& cluster) {
  const ProcessResult result =
      cluster.runOk("node1", "gnt-instance", {"list", "--no-headers", "-o", "name"});
  int lines = 0;
  for (char c : result.out) lines += c == '\n';
  return lines;
}

}  // namespace gantry::bench
