// The htools text format (`*.data` files: groups, nodes, instances, cluster
// tags, policies; `|`-separated columns, sections split by an empty line)
// and the simulated empty cluster of `--simulate`. Loaded data is raw: call
// finalizeCluster() before use. Since ABI 1.0.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gantry/sdk/allocator/model.h"
#include "gantry/sdk/result.h"

namespace gantry::sdk::allocator {

/// Parses htools text data (not yet finalised).
Result<ClusterData> parseTextData(std::string_view text);

/// Serialises a (finalised) cluster in the text format, as htools saves it.
std::string formatTextData(const ClusterData& data);

/// A simulated cluster from specs `policy,nodes,disk,memory,cpus[,spindles
/// [,exclusive_storage]]` (one group per spec; disk/memory accept units like
/// 8T, 16g). Not yet finalised.
Result<ClusterData> simulateCluster(const std::vector<std::string>& specs);

/// htools' unit parser: "16g" -> 16384, "8T" (decimal) -> MiB, plain MiB.
Result<long long> parseUnit(std::string_view text);

}  // namespace gantry::sdk::allocator
