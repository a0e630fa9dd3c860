// Instance moves on a simulated cluster (htools' Cluster/Moves.hs
// applyMoveEx) and their opcodes (Cluster/Utils.hs iMoveToJob).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "gantry/sdk/allocator/node_ops.h"

namespace gantry::plugins::hail {

namespace alloc = gantry::sdk::allocator;

struct Move {
  enum class Kind { kFailover, kFailoverToAny, kReplaceSecondary } kind;
  int target = alloc::kNoNode;  // new primary / new secondary
};

struct MoveResult {
  alloc::NodeList nodes;
  alloc::Instance instance;
};

/// Applies one move; `force` skips soft checks (offline source nodes force
/// the additions that replace them, as in htools).
alloc::OpResult<MoveResult> applyMove(bool force, const alloc::NodeList& nl,
                                      const alloc::Instance& inst, const Move& move);

/// The opcodes (JSON objects) Ganeti runs for a move.
std::vector<nlohmann::ordered_json> moveOpcodes(const alloc::NodeList& nl,
                                        const alloc::Instance& inst, const Move& move);

/// Score over the nodes of group `gdx` in `nl` (full recomputation).
double groupScore(const alloc::NodeList& nl, int gdx);

}  // namespace gantry::plugins::hail
