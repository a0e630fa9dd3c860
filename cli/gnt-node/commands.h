// The gnt-node commands, one file each.
#pragma once

#include "cli/common/tool.h"

namespace gantry::cli::node {

int add(const Invocation& inv);
int list(const Invocation& inv);
int info(const Invocation& inv);
int modify(const Invocation& inv);
int remove(const Invocation& inv);
int evacuate(const Invocation& inv);
std::vector<OptionSpec> evacuateOptions();

/// Names of the nodes in the cluster.
std::vector<std::string> clusterNodeNames(core::luxi::Client& client);

}  // namespace gantry::cli::node
