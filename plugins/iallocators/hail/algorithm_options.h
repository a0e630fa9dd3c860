// hail's knobs that change answers (htools' AlgorithmParams), and their
// parsing from allocator options (`--key=value` pairs).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gantry/sdk/instance_allocator.h"
#include "gantry/sdk/result.h"

namespace gantry::sdk::allocator {}

namespace gantry::plugins::hail {

namespace alloc = gantry::sdk::allocator;

struct AlgorithmOptions {
  bool ignoreSoftErrors = false;  // --ignore-soft-errors
  bool capacityChecks = true;     // off with --no-capacity-checks
  std::optional<std::vector<std::string>> restrictToNodes;  // --restrict-allocation-to
  int staticKvmNodeMemory = 4096;  // --static-kvm-node-memory
  bool ignoreDynUtil = false;      // --ignore-dynu
};

/// Reads the options hail understands; unknown keys are ignored (Ganeti
/// passes cluster-wide allocator parameters meant for any allocator).
sdk::Result<AlgorithmOptions> algorithmOptionsFrom(const sdk::AllocatorOptions& options);

}  // namespace gantry::plugins::hail
