// The one exported symbol of storage_diskless.so.
#include "diskless_storage.h"
#include "gantry/sdk/plugin_abi.h"

GANTRY_PLUGIN(Storage, gantry::plugins::diskless::DisklessStorage, "diskless", "0.1.0");
