// gnt-debug allocator: an OP_TEST_ALLOCATOR job that shows the allocator
// input for a request (--dir in) or the allocator's answer (--dir out).
#pragma once

#include <vector>

#include "cli/common/tool.h"

namespace gantry::cli {

std::vector<OptionSpec> allocatorOptions();
int testAllocator(const Invocation& inv);

}  // namespace gantry::cli
