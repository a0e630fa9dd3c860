#include "population.h"

#include <algorithm>
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
json createDefinition(const PopulationSpec& spec, int index) {
  return {{"instance_name", fillerName(index)},
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

// One definition file per batch, in batch-create's list-of-opcodes form.
fs::path writeDefinitions(const PopulationSpec& spec, int first, int last) {
  json definitions = json::array();
  for (int index = first; index <= last; ++index) {
    definitions.push_back(createDefinition(spec, index));
  }
  const fs::path path = spec.definitionDir / (fillerName(first) + ".json");
  std::ofstream out(path);
  out << definitions.dump() << "\n";
  if (!out) throw std::runtime_error("cannot write " + path.string());
  return path;
}

// batch-create exits non-zero when any instance failed, naming it on stderr.
void submitBatch(const VirtualCluster& cluster, const PopulationSpec& spec, int first, int last) {
  const fs::path definitions = writeDefinitions(spec, first, last);
  cluster.runOk("node1", "gnt-instance", {"batch-create", definitions.string()});
  fs::remove(definitions);
}

}  // namespace

std::string fillerName(int index) {
  char name[32];
  std::snprintf(name, sizeof name, "fill-%04d", index);
  return name;
}

void populate(const VirtualCluster& cluster, const PopulationSpec& spec, int from, int to) {
  fs::create_directories(spec.definitionDir);
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  for (int first = from + 1; first <= to; first += spec.batchSize) {
    const int last = std::min(to, first + spec.batchSize - 1);
    const auto batchStart = Clock::now();
    submitBatch(cluster, spec, first, last);
    const auto now = Clock::now();
    // Per batch: a creation costs more as the config grows.
    std::fprintf(stderr, "  populating: %d/%d instances (%.1f s so far; this batch %.0f ms each)\n",
                 last, to, std::chrono::duration<double>(now - start).count(),
                 std::chrono::duration<double, std::milli>(now - batchStart).count() /
                     (last - first + 1));
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
