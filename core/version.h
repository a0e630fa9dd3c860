#pragma once

namespace gantry::core {

/// Gantry's release, e.g. "0.1.0".
const char* version() noexcept;

}  // namespace gantry::core
