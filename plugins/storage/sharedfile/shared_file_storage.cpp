// Everything lives in the `file` plugin's FileStorage; this unit only gives
// the static library a source of its own.
#include "shared_file_storage.h"
