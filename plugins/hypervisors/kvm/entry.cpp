// The one exported symbol of hv_kvm.so.
#include "gantry/sdk/plugin_abi.h"
#include "kvm_hypervisor.h"

GANTRY_PLUGIN(Hypervisor, gantry::plugins::kvm::KvmHypervisor, "kvm", "0.1.0");
