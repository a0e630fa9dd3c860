#include "core/opcodes/opcode.h"

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace gantry::core::opcodes {

using nlohmann::json;

struct Opcode::Data {
  const OpcodeDef* def = nullptr;
  json input;
  json params;
};

namespace {

const char* typeName(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "bool";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "int";
    case json::value_t::number_float: return "float";
    case json::value_t::string: return "string";
    case json::value_t::array: return "list";
    default: return "value";
  }
}

sdk::Error invalid(std::string message) {
  return sdk::Error(sdk::ErrorCode::kInvalid, std::move(message));
}

// Fills or checks one declared parameter; returns the refusal, if any.
std::optional<sdk::Error> applyParam(const OpcodeDef& def, const ParamDef& p,
                                     const json& input, json& params) {
  auto it = input.find(p.name);
  bool missing = it == input.end() || it->is_null();
  if (missing) {
    if (p.required) {
      return invalid(
          paramFailureMessage(def.id, p.name, "missing required parameter"));
    }
    if (p.default_value) {
      params[p.name] = *p.default_value;
    } else if (it != input.end()) {
      params[p.name] = nullptr;  // explicit null for an optional parameter
    }
    return std::nullopt;
  }
  if (auto why = p.type.check(*it)) {
    return invalid(paramFailureMessage(def.id, p.name, *why));
  }
  params[p.name] = *it;
  return std::nullopt;
}

// Python validates each opcode of OP_INSTANCE_MULTI_ALLOC's `instances`
// as a full OP_INSTANCE_CREATE; so do we.
std::optional<sdk::Error> checkMultiAlloc(const OpcodeDef& def,
                                          const json& params) {
  const json& list = params.at("instances");
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto inner = parseOpcode(list[i]);
    std::string prefix = "instance " + std::to_string(i) + ": ";
    if (!inner) {
      return invalid(paramFailureMessage(def.id, "instances",
                                         prefix + inner.error().message));
    }
    if (inner->id() != "OP_INSTANCE_CREATE") {
      return invalid(paramFailureMessage(
          def.id, "instances",
          prefix + "expected OP_INSTANCE_CREATE, got " + inner->id()));
    }
  }
  return std::nullopt;
}

}  // namespace

std::string paramFailureMessage(std::string_view op_id,
                                std::string_view param,
                                std::string_view why) {
  std::string out = "Parameter '";
  out.append(op_id).append(".").append(param).append("' fails validation");
  if (!why.empty()) out.append(": ").append(why);
  return out;
}

sdk::Result<Opcode> parseOpcode(const json& input) {
  if (!input.is_object()) {
    return invalid(std::string("Invalid data to LoadOpCode (") +
                   typeName(input) + ")");
  }
  auto id_it = input.find("OP_ID");
  if (id_it == input.end()) {
    return invalid("Invalid data to LoadOpcode, missing OP_ID");
  }
  const OpcodeDef* def = nullptr;
  if (id_it->is_string()) def = catalog().find(id_it->get<std::string>());
  if (!def) {
    std::string shown =
        id_it->is_string() ? id_it->get<std::string>() : id_it->dump();
    return invalid("Invalid data to LoadOpCode: OP_ID " + shown +
                   " unsupported");
  }
  const Catalog& cat = catalog();
  for (const auto& item : input.items()) {
    const std::string& key = item.key();
    if (key == "OP_ID" || def->findParam(key) || def->findLegacyParam(key) ||
        cat.findCommonParam(key)) {
      continue;
    }
    return invalid("Opcode " + def->id + " doesn't support the parameter '" +
                   key + "'");
  }
  json params = json::object();
  for (const auto& p : cat.commonParams()) {
    if (auto err = applyParam(*def, p, input, params)) return *err;
  }
  for (const auto& p : def->params) {
    if (auto err = applyParam(*def, p, input, params)) return *err;
  }
  for (const auto& p : def->legacy_params) {
    auto it = input.find(p.name);
    if (it == input.end()) continue;
    if (!it->is_null()) {
      if (auto why = p.type.check(*it)) {
        return invalid(paramFailureMessage(def->id, p.name, *why));
      }
    }
    params[p.name] = *it;
  }
  if (def->id == "OP_INSTANCE_MULTI_ALLOC") {
    if (auto err = checkMultiAlloc(*def, params)) return *err;
  }
  auto data = std::make_shared<Opcode::Data>();
  data->def = def;
  data->input = input;
  data->params = std::move(params);
  return Opcode(std::move(data));
}

Opcode::Opcode(std::shared_ptr<const Data> data) : data_(std::move(data)) {}

const std::string& Opcode::id() const { return data_->def->id; }
const OpcodeDef& Opcode::definition() const { return *data_->def; }
const json& Opcode::input() const { return data_->input; }
const json& Opcode::params() const { return data_->params; }
json Opcode::toJson() const { return data_->input; }

bool Opcode::has(std::string_view name) const {
  auto it = data_->params.find(name);
  return it != data_->params.end() && !it->is_null();
}

const json& Opcode::get(std::string_view name) const {
  auto it = data_->params.find(name);
  if (it == data_->params.end()) {
    throw std::out_of_range("opcode " + id() + " has no parameter '" +
                            std::string(name) + "'");
  }
  return *it;
}

bool Opcode::getBool(std::string_view name) const {
  return get(name).get<bool>();
}

std::int64_t Opcode::getInt(std::string_view name) const {
  const json& v = get(name);
  // Integral floats pass validation (5.0); convert them.
  if (v.is_number_float()) return static_cast<std::int64_t>(v.get<double>());
  return v.get<std::int64_t>();
}

double Opcode::getDouble(std::string_view name) const {
  return get(name).get<double>();
}

std::string Opcode::getString(std::string_view name) const {
  return get(name).get<std::string>();
}

std::optional<bool> Opcode::optBool(std::string_view name) const {
  if (!has(name)) return std::nullopt;
  return getBool(name);
}

std::optional<std::int64_t> Opcode::optInt(std::string_view name) const {
  if (!has(name)) return std::nullopt;
  return getInt(name);
}

std::optional<double> Opcode::optDouble(std::string_view name) const {
  if (!has(name)) return std::nullopt;
  return getDouble(name);
}

std::optional<std::string> Opcode::optString(std::string_view name) const {
  if (!has(name)) return std::nullopt;
  return getString(name);
}

bool Opcode::dryRun() const { return optBool("dry_run").value_or(false); }

std::optional<std::int64_t> Opcode::debugLevel() const {
  return optInt("debug_level");
}

int Opcode::priority() const { return static_cast<int>(getInt("priority")); }

const json& Opcode::depends() const {
  static const json kEmpty = json::array();
  return has("depends") ? get("depends") : kEmpty;
}

std::optional<std::string> Opcode::comment() const {
  return optString("comment");
}

const json& Opcode::reason() const { return get("reason"); }

}  // namespace gantry::core::opcodes
