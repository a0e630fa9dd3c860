// Option values several gnt-instance commands read the same way: sizes
// (Ganeti's ParseUnit), "N:k=v,..." device items, -B backend parameters,
// -O OS parameters and -H hypervisor parameters.
#pragma once

#include <string>
#include <vector>

#include "cli/common/tool.h"

namespace gantry::cli::instance {

/// A PrereqError-style refusal (wrong_input) with `message`.
[[noreturn]] void refuse(const std::string& message);

/// A size in MiB from "512", "1G", ...; refused when unparsable.
std::int64_t size(const std::string& text);

/// "N:k=v,..." items (--disk, --net of add) -> list indexed by N, without
/// gaps.
core::luxi::Json indexedItems(const std::vector<std::string>& items, const char* what);

/// Every -B option merged, sizes and vcpus typed.
core::luxi::Json beparams(const ParsedOptions& o);

/// Every -O option merged.
core::luxi::Json osparams(const ParsedOptions& o);

}  // namespace gantry::cli::instance
