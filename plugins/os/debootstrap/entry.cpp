// The one exported symbol of os_debootstrap.so.
#include "debootstrap_os_provider.h"
#include "gantry/sdk/plugin_abi.h"

GANTRY_PLUGIN(OsProvider, gantry::plugins::os_debootstrap::DebootstrapOsProvider, "debootstrap",
              "0.1.0");
