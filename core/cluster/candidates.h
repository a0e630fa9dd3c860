// The master-candidate pool (Ganeti's GetMasterCandidateStats and the
// decisions built on it), computed from a config.data document.
#pragma once

#include <set>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace gantry::core::cluster {

struct CandidateStats {
  int current = 0;   // nodes with the master_candidate flag
  int desired = 0;   // min(candidate_pool_size, possible)
  int possible = 0;  // master_capable nodes neither offline nor drained
};

/// The stats, leaving out the nodes whose uuids are in `exceptions`.
CandidateStats candidateStats(const nlohmann::json& config,
                              const std::set<std::string>& exceptions = {});

/// Whether a node being added (or readded: its uuid in `exceptions`)
/// becomes a candidate: the pool has room once the node counts.
bool shouldPromoteNewNode(const nlohmann::json& config,
                          const std::set<std::string>& exceptions = {});

}  // namespace gantry::core::cluster
