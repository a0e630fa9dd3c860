#pragma once

#include <ostream>

#include "core/plugins/registry.h"

namespace gantry::cli {

/// Creates a file disk, starts a fake instance on it, shows the node's
/// resources before and after, then stops it and removes the disk: all
/// through the registry and the SDK interfaces. Returns the exit code.
int exercisePlugins(const core::plugins::PluginRegistry& registry,
                    std::ostream& out, std::ostream& err);

}  // namespace gantry::cli
