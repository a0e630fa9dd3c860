// Client side of the query language (Ganeti's lib/qlang.py): how the gnt-*
// list commands turn their positional arguments into a filter, and the
// `-F` filter expression parser.
//
// Expression grammar: conditions `field == value` (also `=`), `!=`, `<`,
// `<=`, `>`, `>=`; `field =~ m/re/flags` (delimiters / # ^ |, optional
// leading `m`, flags i and s become a `(?is)` prefix), `field !~ /re/`,
// `field =* "glob"`, `field !* "glob"`, `value in field`, `value not in
// field`, and a bare field name (true test); combined with `not`, `and`,
// `or` (binding in that order) and parentheses. Values are integers
// (`-5`, `+5`) or quoted strings ('...' or "..."; the quotes are removed,
// escapes inside are kept as written). Field names match
// `[a-zA-Z][a-zA-Z0-9_/.]*`. Inside a regex, `\x` becomes `x` (so the
// delimiter can be escaped), as the Python client does.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/luxi/errors.h"
#include "core/luxi/json_text.h"

namespace gantry::core::query {

/// Characters that make a single argument a filter expression (Ganeti's
/// QLANG_FILTER_DETECTION_CHARS): whitespace and `! \ > < ( ) / ~ " ' =`.
bool looksLikeFilter(std::string_view text);
/// `*` or `?` in a name argument makes it a glob.
bool looksLikeGlob(std::string_view text);

/// Ganeti's DnsNameGlobPattern: `^<glob>(\..*)?$` where `*` -> `[^.]*`,
/// `?` -> `[^.]` and everything else is escaped as Python's re.escape does.
std::string dnsNameGlobPattern(std::string_view glob);

/// Parses a `-F` expression into the JSON filter. Throws EncodedError
/// QueryFilterParseError with two arguments: the message
/// "Failed to parse query filter '<text>': <parser message>" and the
/// detail lines (array: the input line, a caret line, the parser message),
/// e.g. for "name = ": "Expected end of text, found '=' (at char 5),
/// (line:1, col:6)".
luxi::Json parseFilterText(std::string_view text);

/// Ganeti's MakeFilter: the filter for a list command's positional args.
///  - `forceFilter` (-F) or exactly one argument that looksLikeFilter:
///    the argument is parsed with parseFilterText (with -F, anything but
///    exactly one argument throws OpPrereqError "Exactly one argument must
///    be given as a filter", wrong_input);
///  - otherwise `["|", part, ...]` with `["==", nameField, arg]`, a glob
///    argument as `["=~", nameField, dnsNameGlobPattern(arg)]`, and for
///    `numeric` name fields (jobs) `["==", "id", <int>]` (OpPrereqError
///    "Invalid job ID passed: invalid literal for int() with base 10:
///    'abc'");
///  - no arguments: null.
luxi::Json makeFilter(const std::vector<std::string>& args, bool forceFilter,
                      std::string_view nameField = "name",
                      bool numeric = false);

/// `["&", names, extra]`, or whichever of the two is not null.
luxi::Json andFilters(const luxi::Json& names, const luxi::Json& extra);

}  // namespace gantry::core::query
