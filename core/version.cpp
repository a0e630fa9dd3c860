#include "core/version.h"

namespace gantry::core {

const char* version() noexcept { return GANTRY_VERSION; }

}  // namespace gantry::core
