// Parameter options of the gnt-* tools: "-B k=v,k2=v2", "-H hv:k=v,...",
// with each value converted to the type of the parameter's default
// (booleans from yes/no/true/false, numbers from digits), as Ganeti's
// type enforcement does before the opcode is sent.
#pragma once

#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace gantry::cli {

/// "k=v,k2=v2" -> {"k": v, ...}, typed after `defaults` (unknown keys stay
/// strings; the master rejects them). Throws UsageError-style
/// std::invalid_argument "Invalid key=value pair 'x'" for a part without
/// '=' (Ganeti's "no_key" form "k" means True, "no_k" False, "-k" None).
nlohmann::json parseKeyValues(const std::string& text, const nlohmann::json& defaults);

/// "hv:k=v,..." -> ("hv", {...}); a bare "hv" gives empty parameters.
std::pair<std::string, nlohmann::json> parseGroupedKeyValues(const std::string& text,
                                                             const nlohmann::json& defaults);

/// "a,b" -> ["a", "b"] (empty parts dropped).
std::vector<std::string> splitCommaList(const std::string& text);

/// yes/no option values (Ganeti's "yes"/"no"); throws std::invalid_argument.
bool parseYesNo(const std::string& text);

}  // namespace gantry::cli
