// The one exported symbol of hv_fake.so.
#include "fake_hypervisor.h"
#include "gantry/sdk/plugin_abi.h"

GANTRY_PLUGIN(Hypervisor, gantry::plugins::fake::FakeHypervisor, "fake", "0.1.0");
