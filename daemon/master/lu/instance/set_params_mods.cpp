#include "daemon/master/lu/instance/set_params_mods.h"

#include <algorithm>
#include <cctype>

#include "core/luxi/json_text.h"
#include "daemon/master/lu/logical_unit.h"

namespace gantry::daemon::master {
using nlohmann::json;

namespace {

std::optional<DeviceMod::Op> opNamed(const std::string& text) {
  if (text == "add") return DeviceMod::Op::kAdd;
  if (text == "attach") return DeviceMod::Op::kAttach;
  if (text == "remove") return DeviceMod::Op::kRemove;
  if (text == "detach") return DeviceMod::Op::kDetach;
  if (text == "modify") return DeviceMod::Op::kModify;
  return std::nullopt;
}

std::optional<int> indexOf(const json& value) {
  if (value.is_number_integer()) return value.get<int>();
  if (!value.is_string()) return std::nullopt;
  std::string text = value.get<std::string>();
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) text.erase(0, 1);
  if (text.empty() || text.size() > 6 ||
      !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  return negative ? -std::stoi(text) : std::stoi(text);
}

[[noreturn]] void malformed(const json& item, const std::string& kind) {
  throw PrereqError("Invalid " + kind + " modification " + item.dump(), sdk::ErrorCode::kInvalid);
}

}  // namespace

std::vector<DeviceMod> parseDeviceMods(const json& mods, const std::string& kind) {
  if (!mods.is_array()) malformed(mods, kind);
  std::vector<DeviceMod> out;
  int legacyAddRemove = 0;
  for (const auto& item : mods) {
    if (!item.is_array() || item.size() < 2 || item.size() > 3 || !item.back().is_object()) {
      malformed(item, kind);
    }
    DeviceMod mod;
    mod.params = item.back();
    if (item.size() == 2) {
      if (item[0].is_string() && opNamed(item[0].get<std::string>())) {
        mod.op = *opNamed(item[0].get<std::string>());
        if (mod.op == DeviceMod::Op::kModify) malformed(item, kind);
        mod.index = -1;
        ++legacyAddRemove;
      } else if (auto index = indexOf(item[0])) {
        mod.index = *index;
      } else {
        malformed(item, kind);
      }
    } else {
      if (!item[0].is_string() || !opNamed(item[0].get<std::string>())) malformed(item, kind);
      mod.op = *opNamed(item[0].get<std::string>());
      if (auto index = indexOf(item[1])) {
        mod.index = *index;
      } else if (item[1].is_string()) {
        mod.identifier = item[1].get<std::string>();
      } else {
        malformed(item, kind);
      }
    }
    const bool removal = mod.op == DeviceMod::Op::kRemove || mod.op == DeviceMod::Op::kDetach;
    if (removal && !mod.params.empty()) {
      throw PrereqError("No settings should be passed when removing or detaching a " + kind,
                        sdk::ErrorCode::kInvalid);
    }
    out.push_back(std::move(mod));
  }
  if (legacyAddRemove > 1) {
    throw PrereqError("Only one " + kind + " add/attach/remove/detach operation is supported at a time",
                      sdk::ErrorCode::kInvalid);
  }
  return out;
}

std::size_t resolveDeviceIndex(const DeviceMod& mod, const std::vector<json>& items,
                               const std::string& kind) {
  if (mod.index) {
    const int count = static_cast<int>(items.size());
    const int index = *mod.index == -1 ? count - 1 : *mod.index;
    if (index < 0 || index >= count) {
      throw PrereqError("Got " + kind + " index " + std::to_string(*mod.index) +
                            ", but there are only " + std::to_string(count),
                        sdk::ErrorCode::kInvalid);
    }
    return static_cast<std::size_t>(index);
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].value("uuid", "") == mod.identifier ||
        (items[i].contains("name") && items[i]["name"] == mod.identifier)) {
      return i;
    }
  }
  throw PrereqError("Cannot find " + kind + " with identifier " + mod.identifier,
                    sdk::ErrorCode::kNotFound);
}

std::optional<json> coerceParam(const json& defaultValue, const json& value) {
  if (defaultValue.is_boolean()) {
    if (value.is_boolean()) return value;
    if (!value.is_string()) return std::nullopt;
    std::string text = value.get<std::string>();
    std::transform(text.begin(), text.end(), text.begin(), ::tolower);
    if (text == "true" || text == "yes" || text == "1") return true;
    if (text == "false" || text == "no" || text == "0") return false;
    return std::nullopt;
  }
  if (defaultValue.is_number_integer()) {
    if (value.is_number_integer()) return value;
    if (!value.is_string()) return std::nullopt;
    const std::string text = value.get<std::string>();
    const std::size_t start = !text.empty() && text[0] == '-' ? 1 : 0;
    if (text.size() <= start || text.size() > 18 ||
        !std::all_of(text.begin() + static_cast<std::ptrdiff_t>(start), text.end(),
                     [](unsigned char c) { return std::isdigit(c); })) {
      return std::nullopt;
    }
    return std::stoll(text);
  }
  if (defaultValue.is_number()) {
    if (value.is_number()) return value;
    if (!value.is_string()) return std::nullopt;
    try {
      std::size_t used = 0;
      const double parsed = std::stod(value.get<std::string>(), &used);
      if (used == value.get<std::string>().size()) return parsed;
    } catch (const std::exception&) {
    }
    return std::nullopt;
  }
  if (defaultValue.is_string()) {
    if (value.is_string()) return value;
    if (value.is_number() || value.is_boolean()) return value.dump();
    return std::nullopt;
  }
  return value;
}

std::string pythonText(const json& value) {
  return core::luxi::pythonStr(core::luxi::Json::parse(value.dump()));
}

}  // namespace gantry::daemon::master
