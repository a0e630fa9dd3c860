// The small type language of opcode parameters, as written in the JSON
// definitions (core/opcodes/definitions/*.json):
//
//   bool  int  int>=0  int>0  int[lo..hi]  float  str  nes (non-empty string)
//   any  dict  dict<T>  list<T>  tuple<T1,T2,...>  oneof<T1,T2,...>
//   enum<Name> (values from enums.json)  ipv4 ipv4net ipv6 ipv6net
//   priority (submit priority -10/0/10)  depends (job dependencies)
//   reason (reason trail)  mods (disk/NIC modifications of SET_PARAMS)
//
// Optional ("maybe") parameters are a property of the parameter, not of
// its type: see ParamDef in definitions.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "gantry/sdk/result.h"

namespace gantry::core::opcodes {

/// Enumeration name -> allowed string values.
using EnumTable = std::map<std::string, std::vector<std::string>, std::less<>>;

class ParamType {
 public:
  enum class Kind {
    kBool, kInt, kFloat, kString, kNonEmptyString, kAny, kDict, kList,
    kTuple, kOneOf, kEnum, kIpv4, kIpv4Net, kIpv6, kIpv6Net, kPriority,
    kDepends, kReason, kMods,
  };

  /// Parses a type spec; enum names are resolved against `enums`.
  static sdk::Result<ParamType> parse(std::string_view spec,
                                      const EnumTable& enums);

  Kind kind() const { return kind_; }
  /// The spec as written in the definitions ("list<nes>").
  const std::string& spec() const { return spec_; }
  /// Human text for messages ("list of non-empty string").
  std::string describe() const;
  /// Allowed values of an enum type (empty otherwise).
  const std::vector<std::string>& enumValues() const { return enum_values_; }

  /// nullopt when `value` has this type, else why not
  /// ("expected int >= 0, got -1").
  std::optional<std::string> check(const nlohmann::json& value) const;

 private:
  friend struct ParamTypeBuilder;
  Kind kind_ = Kind::kAny;
  std::string spec_;
  std::optional<std::int64_t> min_;
  std::optional<std::int64_t> max_;
  std::vector<ParamType> args_;  // element/alternative types
  std::string enum_name_;
  std::vector<std::string> enum_values_;
};

/// "string \"abc\"", "int -1", "null": how a received value is named in
/// validation messages (long values are shortened).
std::string describeValue(const nlohmann::json& value);

}  // namespace gantry::core::opcodes
