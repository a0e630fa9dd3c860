// The bits of Python's text behaviour Ganeti's OS API leaks into files and
// messages: line splitting, stripping, repr(), str(float), errno names.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gantry/sdk/params.h"

namespace gantry::plugins::os_scripts {

/// str.splitlines(): no empty last element for a trailing newline.
std::vector<std::string> pythonSplitLines(std::string_view text);
/// str.strip() with no argument (ASCII whitespace).
std::string pythonStrip(std::string_view text);
/// str.split(None, 1) of one line: {first word, rest} ("" when missing).
std::pair<std::string, std::string> pythonSplitOnce(std::string_view line);
/// repr() of a str: 'text', or "text" when it holds a single quote only.
std::string pythonRepr(std::string_view text);
/// str() of a float: shortest text that reads back the same, ".0" added to
/// whole numbers (1796000809.0290992, 1796000809.0).
std::string pythonFloat(double value);
/// str() of a parameter value: None, True/False, 128, 0.5, text.
std::string pythonStr(const sdk::ParamValue& value);
/// Ganeti's ErrnoOrStr: "ENOENT" for a known errno, else its text.
std::string errnoName(int err);

}  // namespace gantry::plugins::os_scripts
