// The plugin descriptor of the hail allocator.
#include "gantry/sdk/plugin_abi.h"
#include "hail_allocator.h"

GANTRY_PLUGIN(InstanceAllocator, gantry::plugins::hail::HailAllocator, "hail", "0.1.0");
