// The layout of `gnt-instance info` (Ganeti 3's ShowInstanceConfig): one
// OP_INSTANCE_QUERY_DATA entry turned into the ordered structure
// formatGenericInfo prints.
#pragma once

#include "core/luxi/json_text.h"

namespace gantry::cli::instance {

/// The "- Instance name: ..." item of one instance of the opcode result.
core::luxi::Json instanceInfoLayout(const core::luxi::Json& instance);

}  // namespace gantry::cli::instance
