// Text renderings of JSON values that clients see inside error messages.
// The master's messages quote values the way Ganeti's Haskell daemon does
// (Text.JSON.Pretty, Haskell `show`), and the CLI prints error arguments the
// way Python's str()/repr() does; scripts match on both.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace gantry::core::luxi {

/// Every LUXI value is an ordered_json: key order inside objects is visible
/// to operators (the CLI prints dicts in the order received), so it must
/// survive parsing and re-encoding unchanged.
using Json = nlohmann::ordered_json;

/// Text.JSON's `show (pp_value v)`: `[1, "a", null]`, `{"k": true}`,
/// strings with `\"`, `\\` and `\uXXXX` escapes for control characters,
/// integral numbers as integers, other numbers as Haskell shows a Double.
/// (The Haskell pretty printer also wraps lines longer than 100 columns;
/// this rendering never wraps.)
std::string haskellPretty(const Json& value);

/// Haskell's `show` of a Double: `1.5`, `100.0`, `1.0e-2`,
/// `1.7960008090290992e9` (fixed notation for 0.1 <= |x| < 10^7).
std::string haskellShowDouble(double value);

/// Haskell's `show` of a String: double quotes, `\"`, `\\`, `\n`, and
/// decimal escapes (`\1234`) for other control and non-ASCII characters.
std::string haskellShowString(std::string_view text);

/// Haskell's `show` of a Rational built from a JSON number:
/// `3 % 2`, `(-3) % 2`, `1 % 10` (decimal fractions are exact).
std::string haskellShowRational(const Json& number);

/// Python's repr() of a decoded JSON value: `'a'`, `"it's"`, `1`, `1.5`,
/// `True`, `None`, `['a', 1]`, `{'k': 'v'}`.
std::string pythonRepr(const Json& value);

/// Python's str(): a string as it is, anything else as pythonRepr.
std::string pythonStr(const Json& value);

/// Python's json.dumps(value) with its defaults, the bytes Ganeti's clients
/// send: separators ", " and ": ", non-ASCII as \uXXXX, floats as repr().
std::string pythonJsonDumps(const Json& value);

}  // namespace gantry::core::luxi
