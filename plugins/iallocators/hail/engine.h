// hail's request processing: parsed request + options -> IAllocator answer
// (htools' IAlloc.hs processRequest / formatIAllocResult, Dedicated.hs).
#pragma once

#include <optional>
#include <string>

#include "algorithm_options.h"
#include "gantry/sdk/allocator/request.h"

namespace gantry::plugins::hail {

struct Answer {
  bool success = false;
  std::string info;        // "Request successful: ..." / "Request failed: ..."
  std::string resultJson;  // compact JSON of `result`
  /// The cluster after the request (for saved state); set on success when
  /// asked for.
  std::optional<alloc::ClusterData> finalCluster;

  /// {"success":..,"info":..,"result":..}, compact, in that key order.
  std::string toJson() const;
};

/// Whether hail would use the dedicated (lost-allocations) path.
bool usesDedicatedAllocation(const alloc::ParsedRequest& request);

/// Answers a parsed request. Never throws. `keepFinalCluster` also keeps the
/// cluster after the request in the answer (hail -p and -S print it).
Answer processRequest(const alloc::ParsedRequest& request, const AlgorithmOptions& opts,
                      bool keepFinalCluster = false);

}  // namespace gantry::plugins::hail
