// Relocation and evacuation of existing instances (htools'
// Cluster/Evacuate.hs, Cluster.hs tryChangeGroup, IAlloc.hs
// processRelocate).
#pragma once

// The opcodes are held by value, so the full JSON type is needed here.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "algorithm_options.h"
#include "gantry/sdk/allocator/model.h"
#include "gantry/sdk/result.h"
#include "moves.h"

namespace gantry::plugins::hail {

struct EvacStep {
  alloc::NodeList nodes;
  alloc::InstanceList instances;
  std::vector<nlohmann::ordered_json> opcodes;
};

/// Moves one instance away according to `mode` onto `available` nodes of
/// group `gdx`; on failure the message htools gives.
sdk::Result<EvacStep> nodeEvacInstance(bool force, const alloc::NodeList& nl,
                                       const alloc::InstanceList& il, alloc::EvacMode mode,
                                       const alloc::Instance& inst, int gdx,
                                       const std::vector<int>& available);

struct EvacSolution {
  struct Moved {
    int instance;
    int group;
    std::vector<int> nodes;
  };
  std::vector<Moved> moved;
  std::vector<std::pair<int, std::string>> failed;
  std::vector<std::vector<nlohmann::ordered_json>> jobs;
};

struct EvacOutcome {
  alloc::NodeList nodes;
  alloc::InstanceList instances;
  EvacSolution solution;
};

EvacOutcome tryNodeEvac(const AlgorithmOptions& opts, const alloc::NodeList& nl,
                        const alloc::InstanceList& il, alloc::EvacMode mode,
                        const std::vector<int>& idxs);

EvacOutcome tryChangeGroup(const AlgorithmOptions& opts, const std::vector<alloc::Group>& groups,
                           const alloc::NodeList& nl, const alloc::InstanceList& il,
                           const std::vector<int>& idxs, const std::vector<int>& targetGroups);

struct RelocateOutcome {
  alloc::NodeList nodes;
  alloc::InstanceList instances;
  std::vector<int> result;  // [new secondary] or [new primary]
};

/// The relocate request; errors are the answer's failure text.
sdk::Result<RelocateOutcome> processRelocate(const AlgorithmOptions& opts,
                                             const alloc::NodeList& nl,
                                             const alloc::InstanceList& il, int idx,
                                             int requiredNodes,
                                             const std::vector<int>& excluded);

}  // namespace gantry::plugins::hail
