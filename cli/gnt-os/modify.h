// gnt-os modify: an OS's cluster-wide hypervisor and OS parameters, and
// whether it is hidden or blacklisted (one OP_CLUSTER_SET_PARAMS).
#pragma once

#include <vector>

#include "cli/common/tool.h"

namespace gantry::cli {

std::vector<OptionSpec> modifyOsOptions();
int modifyOs(const Invocation& inv);

}  // namespace gantry::cli
