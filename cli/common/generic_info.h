// Ganeti's PrintGenericInfo: the YAML-like layout of the `info` commands.
// An object prints its members in its own order ("key: value", nested
// objects indented by two spaces), an array as "- item" lines, a scalar
// after "key: " (strings as they are, booleans True/False, null None). As
// in Ganeti, a key whose value is nested or empty keeps its trailing
// space: "key: ".
#pragma once

#include <string>

#include "core/luxi/json_text.h"

namespace gantry::cli {

std::string formatGenericInfo(const core::luxi::Json& data);

/// A JSON object re-built with its keys sorted (Python's sorted(dict)).
core::luxi::Json sortedObject(const core::luxi::Json& object);

}  // namespace gantry::cli
