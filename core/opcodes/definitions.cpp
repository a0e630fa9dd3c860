#include "core/opcodes/definitions.h"

#include <algorithm>
#include <map>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/opcodes/embedded_definitions.h"

namespace gantry::core::opcodes {
namespace {

using nlohmann::json;

sdk::Error defError(const std::string& where, const std::string& why) {
  return sdk::Error(sdk::ErrorCode::kFault,
                    "opcode definitions: " + where + ": " + why);
}

sdk::Result<ParamDef> loadParam(const json& j, const EnumTable& enums,
                                const std::string& where) {
  if (!j.is_object() || !j.contains("name") || !j["name"].is_string() ||
      !j.contains("type") || !j["type"].is_string()) {
    return defError(where, "parameter needs string 'name' and 'type'");
  }
  ParamDef p;
  p.name = j["name"].get<std::string>();
  std::string at = where + "." + p.name;
  auto type = ParamType::parse(j["type"].get<std::string>(), enums);
  if (!type) return defError(at, type.error().message);
  p.type = std::move(*type);
  p.required = j.value("required", false);
  p.optional = j.value("optional", false);
  if (j.contains("default")) {
    p.default_value = std::make_shared<const json>(j["default"]);
    if (auto why = p.type.check(j["default"])) {
      return defError(at, "default does not fit the type: " + *why);
    }
  }
  int kinds = int(p.required) + int(p.optional) + int(bool(p.default_value));
  if (kinds != 1) {
    return defError(at, "exactly one of required, optional, default");
  }
  p.doc = j.value("doc", "");
  p.since = j.value("since", "");
  return p;
}

sdk::Result<std::vector<ParamDef>> loadParams(const json& list,
                                              const EnumTable& enums,
                                              const std::string& where) {
  std::vector<ParamDef> out;
  if (!list.is_array()) return defError(where, "parameter list expected");
  for (const auto& j : list) {
    auto p = loadParam(j, enums, where);
    if (!p) return p.error();
    for (const auto& seen : out) {
      if (seen.name == p->name) {
        return defError(where, "duplicate parameter '" + p->name + "'");
      }
    }
    out.push_back(std::move(*p));
  }
  return out;
}

sdk::Result<SummaryFormat> summaryFormat(const std::string& name,
                                         const std::string& where) {
  if (name.empty() || name == "plain") return SummaryFormat::kPlain;
  if (name == "duration_ns") return SummaryFormat::kDurationNs;
  if (name == "tag_kind_constructor") {
    return SummaryFormat::kTagKindConstructor;
  }
  if (name == "none_if_absent") return SummaryFormat::kNoneIfAbsent;
  return defError(where, "unknown summary_format '" + name + "'");
}

sdk::Result<OpcodeDef> loadOpcode(const json& j, const std::string& domain,
                                  const EnumTable& enums,
                                  const std::string& file) {
  if (!j.is_object() || !j.contains("id") || !j["id"].is_string()) {
    return defError(file, "opcode entry without string 'id'");
  }
  OpcodeDef def;
  def.id = j["id"].get<std::string>();
  std::string where = file + ": " + def.id;
  if (def.id.rfind("OP_", 0) != 0) return defError(where, "id must start OP_");
  def.domain = domain;
  def.doc = j.value("doc", "");
  def.since = j.value("since", "");
  def.summary_field = j.value("summary", "");
  auto fmt = summaryFormat(j.value("summary_format", ""), where);
  if (!fmt) return fmt.error();
  def.summary_format = *fmt;
  auto params = loadParams(j.value("params", json::array()), enums, where);
  if (!params) return params.error();
  def.params = std::move(*params);
  auto legacy =
      loadParams(j.value("legacy_params", json::array()), enums, where);
  if (!legacy) return legacy.error();
  def.legacy_params = std::move(*legacy);
  for (const auto& p : def.legacy_params) {
    if (def.findParam(p.name)) {
      return defError(where, "legacy parameter '" + p.name +
                                 "' is also a current parameter");
    }
  }
  if (!def.summary_field.empty() && !def.findParam(def.summary_field)) {
    return defError(where, "summary field '" + def.summary_field +
                               "' is not a parameter");
  }
  def.defaults_3_0 =
      std::make_shared<const json>(j.value("defaults_3_0", json::object()));
  return def;
}

template <typename Vec>
auto findByName(const Vec& v, std::string_view name) ->
    typename Vec::const_pointer {
  for (const auto& p : v) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace

const ParamDef* OpcodeDef::findParam(std::string_view name) const {
  return findByName(params, name);
}

const ParamDef* OpcodeDef::findLegacyParam(std::string_view name) const {
  return findByName(legacy_params, name);
}

sdk::Result<Catalog> Catalog::load(
    const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<std::pair<std::string, json>> parsed;
  for (const auto& [name, text] : files) {
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      return defError(name, "not a JSON object");
    }
    parsed.emplace_back(name, std::move(j));
  }
  Catalog cat;
  // Enumerations first: parameter types refer to them.
  for (const auto& [name, j] : parsed) {
    if (!j.contains("enums")) continue;
    for (const auto& [enum_name, values] : j["enums"].items()) {
      if (!values.is_array()) {
        return defError(name, "enum " + enum_name + " is not a list");
      }
      auto& out = cat.enums_[enum_name];
      for (const auto& v : values) {
        if (!v.is_string()) {
          return defError(name, "enum " + enum_name + " has a non-string");
        }
        out.push_back(v.get<std::string>());
      }
    }
  }
  for (const auto& [name, j] : parsed) {
    if (j.contains("common_params")) {
      auto common = loadParams(j["common_params"], cat.enums_, name);
      if (!common) return common.error();
      for (auto& p : *common) cat.common_.push_back(std::move(p));
    }
    if (!j.contains("opcodes")) continue;
    std::string domain = j.value("domain", "");
    if (domain.empty()) return defError(name, "missing 'domain'");
    if (!j["opcodes"].is_array()) return defError(name, "'opcodes' list");
    for (const auto& entry : j["opcodes"]) {
      auto def = loadOpcode(entry, domain, cat.enums_, name);
      if (!def) return def.error();
      cat.opcodes_.push_back(std::move(*def));
    }
  }
  std::sort(cat.opcodes_.begin(), cat.opcodes_.end(),
            [](const OpcodeDef& a, const OpcodeDef& b) { return a.id < b.id; });
  for (std::size_t i = 1; i < cat.opcodes_.size(); ++i) {
    if (cat.opcodes_[i].id == cat.opcodes_[i - 1].id) {
      return defError(cat.opcodes_[i].id, "defined twice");
    }
  }
  for (const auto& def : cat.opcodes_) {
    for (const auto& p : def.params) {
      if (cat.findCommonParam(p.name)) {
        return defError(def.id, "parameter '" + p.name +
                                    "' clashes with a common parameter");
      }
    }
  }
  return cat;
}

const OpcodeDef* Catalog::find(std::string_view op_id) const {
  auto it = std::lower_bound(
      opcodes_.begin(), opcodes_.end(), op_id,
      [](const OpcodeDef& d, std::string_view id) { return d.id < id; });
  if (it == opcodes_.end() || it->id != op_id) return nullptr;
  return &*it;
}

const ParamDef* Catalog::findCommonParam(std::string_view name) const {
  return findByName(common_, name);
}

const Catalog& catalog() {
  static const Catalog kCatalog = [] {
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& f : embeddedDefinitionFiles()) {
      files.emplace_back(std::string(f.name), std::string(f.text));
    }
    auto loaded = Catalog::load(files);
    if (!loaded) throw std::logic_error(loaded.error().message);
    return std::move(*loaded);
  }();
  return kCatalog;
}

}  // namespace gantry::core::opcodes
