// The device modifications of OP_INSTANCE_SET_PARAMS (Ganeti's
// SetParamsMods) in one form, and the typed parameter values of its
// -B/-H/-O dictionaries.
//
// Accepted forms of the "disks"/"nics" lists:
//  - legacy pairs: [["add", {..}]], [["remove", {}]] (the last item),
//    [[<index>, {..}]] (modify), at most one add/attach/remove/detach;
//  - triples: [[op, <index>|-1|<name or uuid>, {..}]].
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gantry::daemon::master {

struct DeviceMod {
  enum class Op { kAdd, kAttach, kRemove, kDetach, kModify };
  Op op = Op::kModify;
  /// The item's index; -1 for "the last one" (append for add). Unset when
  /// the item is named by `identifier`.
  std::optional<int> index;
  std::string identifier;  // a name or UUID instead of an index
  nlohmann::json params = nlohmann::json::object();
};

/// Parses one list; `kind` ("disk" or "NIC") goes into the messages.
/// Throws PrereqError for malformed items.
std::vector<DeviceMod> parseDeviceMods(const nlohmann::json& mods, const std::string& kind);

/// The index `mod` refers to in a list of `count` items whose names and
/// uuids are given; PrereqError when there is no such item.
std::size_t resolveDeviceIndex(const DeviceMod& mod, const std::vector<nlohmann::json>& items,
                               const std::string& kind);

/// `value` as the type of `defaultValue` (Ganeti's ForceDictType): digits
/// for numbers, yes/no/true/false for booleans, anything for strings.
/// nullopt when it cannot be converted.
std::optional<nlohmann::json> coerceParam(const nlohmann::json& defaultValue,
                                          const nlohmann::json& value);

/// A value as Python's str() shows it in a change entry.
std::string pythonText(const nlohmann::json& value);

}  // namespace gantry::daemon::master
