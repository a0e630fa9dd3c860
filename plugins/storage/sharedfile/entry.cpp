// The one exported symbol of storage_sharedfile.so.
#include "gantry/sdk/plugin_abi.h"
#include "shared_file_storage.h"

GANTRY_PLUGIN(Storage, gantry::plugins::sharedfile::SharedFileStorage, "sharedfile", "0.1.0");
