// Parameters that cross the plugin boundary (hvparams, beparams, osparams,
// diskparams). Ganeti's parameters are strings, booleans, integers or floats;
// a missing value ("unspecified") is std::monostate.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>

#include "gantry/sdk/visibility.h"

namespace gantry::sdk {

using ParamValue =
    std::variant<std::monostate, bool, std::int64_t, double, std::string>;

/// name -> value, already filled from the cluster/group/instance chain.
using ParamMap = std::map<std::string, ParamValue>;

/// The value as text, the way Ganeti prints it ("True", "128", "", ...).
GANTRY_SDK_API std::string paramToString(const ParamValue& value);

/// Typed lookups: nullopt when absent, unspecified, or of another type.
/// Integers are accepted where a float is asked for.
GANTRY_SDK_API std::optional<std::string> paramString(const ParamMap& params,
                                                      const std::string& name);
GANTRY_SDK_API std::optional<std::int64_t> paramInt(const ParamMap& params,
                                                    const std::string& name);
GANTRY_SDK_API std::optional<bool> paramBool(const ParamMap& params,
                                             const std::string& name);
GANTRY_SDK_API std::optional<double> paramDouble(const ParamMap& params,
                                                 const std::string& name);

/// What a plugin declares about one parameter it understands, so the master
/// can validate values before any node sees them (Ganeti's PARAMETERS).
struct ParamSpec {
  enum class Type { kString, kBool, kInt, kFloat };
  std::string name;
  Type type = Type::kString;
  ParamValue defaultValue;  // monostate: no default
  bool required = false;    // "is required but is currently not defined"
  std::string doc;          // one line for `gnt-* info`
};

}  // namespace gantry::sdk
