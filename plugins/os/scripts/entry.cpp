// The one exported symbol of os_scripts.so.
#include "gantry/sdk/plugin_abi.h"
#include "scripts_os_provider.h"

GANTRY_PLUGIN(OsProvider, gantry::plugins::os_scripts::ScriptsOsProvider, "scripts", "0.1.0");
