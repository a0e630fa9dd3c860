#include "core/cluster/candidates.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace gantry::core::cluster {

CandidateStats candidateStats(const nlohmann::json& config,
                              const std::set<std::string>& exceptions) {
  CandidateStats stats;
  const auto nodes = config.value("nodes", nlohmann::json::object());
  for (const auto& [uuid, node] : nodes.items()) {
    if (exceptions.count(uuid) != 0) continue;
    if (node.value("master_candidate", false)) ++stats.current;
    if (node.value("master_capable", true) && !node.value("offline", false) &&
        !node.value("drained", false)) {
      ++stats.possible;
    }
  }
  const int pool = config.value("/cluster/candidate_pool_size"_json_pointer, 10);
  stats.desired = std::min(pool, stats.possible);
  return stats;
}

bool shouldPromoteNewNode(const nlohmann::json& config,
                          const std::set<std::string>& exceptions) {
  const auto stats = candidateStats(config, exceptions);
  const int pool = config.value("/cluster/candidate_pool_size"_json_pointer, 10);
  // The new node adds one to the possible candidates.
  return stats.current < std::min(stats.desired + 1, pool);
}

}  // namespace gantry::core::cluster
