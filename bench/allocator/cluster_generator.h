// Realistic clusters for the allocator benchmark, as IAllocator requests:
// node groups of rack size with mostly uniform hardware, a mix of node
// models, about four instances per node (DRBD and plain), exclusion tags,
// a few drained nodes, and memory left for N+1 failover.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gantry::bench::allocator {

struct GeneratedCluster {
  /// The request without its `request` member.
  nlohmann::ordered_json base;
  std::vector<std::string> nodeNames;
  std::vector<std::string> instanceNames;
  /// Instances having the node as primary or secondary, per node.
  std::vector<std::vector<std::string>> instancesOfNode;
  int groups = 0;
  int instances = 0;
};

/// A cluster of `nodes` nodes; the same seed gives the same cluster.
GeneratedCluster generateCluster(int nodes, std::uint64_t seed);

/// One instance to place ("drbd" or "plain").
nlohmann::ordered_json newInstanceRequest(const std::string& name, const std::string& diskTemplate);

/// Whole requests (base + `request`), serialised.
std::string allocateRequest(const GeneratedCluster& c, const std::string& diskTemplate);
std::string multiAllocateRequest(const GeneratedCluster& c, int count);
std::string nodeEvacuateRequest(const GeneratedCluster& c, int nodeIndex);

}  // namespace gantry::bench::allocator
