// A small config document: three nodes with chosen flags.
#pragma once

#include <nlohmann/json.hpp>

namespace gantry::core::cluster::test {

/// node1 (master, candidate), node2 and node3 with the given candidate,
/// offline and drained flags; candidate_pool_size `pool`.
nlohmann::json threeNodeConfig(int pool, bool mc2, bool mc3, bool offline3 = false,
                               bool drained2 = false);

}  // namespace gantry::core::cluster::test
