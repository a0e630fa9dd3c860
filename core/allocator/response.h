// The answer an instance allocator gives (IAllocator protocol, response
// JSON): checked for shape before anything trusts it, whether it came from
// an external program or a plugin.
#pragma once

#include <string>
#include <string_view>

#include "gantry/sdk/result.h"

namespace gantry::core::allocator {

/// A well-formed IAllocator answer. `success` false is a valid answer ("the
/// allocator could not place it"), not an error.
struct AllocatorResponse {
  bool success = false;
  std::string info;
  /// `result` (or the legacy `nodes`) as compact JSON: a list, or a string
  /// for allocate-secondary.
  std::string resultJson;
};

/// Checks an allocator's output: a JSON object with a boolean `success`, a
/// string `info` and a list or string `result` (`nodes` is accepted for
/// `result`, as Ganeti does). Errors (kFault) name the allocator and what
/// is wrong: "iallocator module 'x' returned an invalid answer: <what>".
sdk::Result<AllocatorResponse> parseAllocatorResponse(std::string_view allocatorName,
                                                      std::string_view output);

}  // namespace gantry::core::allocator
