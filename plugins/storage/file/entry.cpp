// The one exported symbol of storage_file.so.
#include "file_storage.h"
#include "gantry/sdk/plugin_abi.h"

GANTRY_PLUGIN(Storage, gantry::plugins::file::FileStorage, "file", "0.1.0");
