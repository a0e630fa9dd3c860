#include "core/rpc/procedures.h"

#include <exception>
#include <utility>

namespace gantry::core::rpc {

using nlohmann::json;
using sdk::Error;
using sdk::ErrorCode;

namespace {

bool matches(ArgType type, const json& value) {
  switch (type) {
    case ArgType::kString: return value.is_string();
    case ArgType::kInt: return value.is_number_integer();
    case ArgType::kNumber: return value.is_number();
    case ArgType::kBool: return value.is_boolean();
    case ArgType::kObject: return value.is_object();
    case ArgType::kArray: return value.is_array();
    case ArgType::kStringList:
      if (!value.is_array()) return false;
      for (const auto& item : value) {
        if (!item.is_string()) return false;
      }
      return true;
    case ArgType::kStringMap:
      if (!value.is_object()) return false;
      for (const auto& item : value) {
        if (!item.is_string()) return false;
      }
      return true;
    case ArgType::kAny: return true;
  }
  return false;
}

std::string withArticle(const char* noun) {
  const char c = noun[0];
  const bool vowel = c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
  return std::string(vowel ? "an " : "a ") + noun;
}

const char* jsonTypeName(const json& value) {
  if (value.is_number_integer()) return "integer";
  if (value.is_number_float()) return "number";
  return value.type_name();
}

}  // namespace

const char* argTypeName(ArgType type) noexcept {
  switch (type) {
    case ArgType::kString: return "string";
    case ArgType::kInt: return "integer";
    case ArgType::kNumber: return "number";
    case ArgType::kBool: return "boolean";
    case ArgType::kObject: return "object";
    case ArgType::kArray: return "array";
    case ArgType::kStringList: return "list of strings";
    case ArgType::kStringMap: return "object of strings";
    case ArgType::kAny: return "any value";
  }
  return "unknown";
}

sdk::Result<void> validateArgs(std::string_view proc,
                               const std::vector<ArgSpec>& specs,
                               const json& args) {
  const std::string prefix = "Procedure '" + std::string(proc) + "': ";
  if (!args.is_object()) {
    return Error{ErrorCode::kInvalid, prefix + "arguments must be an object"};
  }
  for (const auto& spec : specs) {
    auto it = args.find(spec.name);
    if (it == args.end()) {
      if (spec.required) {
        return Error{ErrorCode::kInvalid,
                     prefix + "missing argument '" + spec.name + "'"};
      }
      continue;
    }
    if (!matches(spec.type, *it)) {
      return Error{ErrorCode::kInvalid,
                   prefix + "argument '" + spec.name + "' must be " +
                       withArticle(argTypeName(spec.type)) + ", not " +
                       jsonTypeName(*it)};
    }
  }
  for (const auto& [key, value] : args.items()) {
    (void)value;
    bool known = false;
    for (const auto& spec : specs) known = known || spec.name == key;
    if (!known) {
      return Error{ErrorCode::kInvalid,
                   prefix + "unknown argument '" + key + "'"};
    }
  }
  return sdk::ok();
}

void ProcedureTable::add(Procedure procedure) {
  std::string name = procedure.name;
  procedures_.insert_or_assign(std::move(name), std::move(procedure));
}

const Procedure* ProcedureTable::find(std::string_view name) const {
  auto it = procedures_.find(name);
  return it == procedures_.end() ? nullptr : &it->second;
}

std::vector<std::string> ProcedureTable::names() const {
  std::vector<std::string> out;
  out.reserve(procedures_.size());
  for (const auto& [name, procedure] : procedures_) out.push_back(name);
  return out;
}

Reply ProcedureTable::dispatch(const Request& request,
                               const CallContext& context) const {
  const Procedure* procedure = find(request.proc);
  if (procedure == nullptr) {
    return errorReply(request.id, Error{ErrorCode::kInvalid,
                                        "Unknown procedure '" + request.proc + "'"});
  }
  if (context.access != Access::kCluster &&
      !(context.access == Access::kJoinOnly && procedure->allowedBeforeJoin)) {
    return errorReply(
        request.id,
        Error{ErrorCode::kState, "This node has not joined a cluster yet; only "
                                 "'join' is accepted"});
  }
  if (auto valid = validateArgs(request.proc, procedure->args, request.args);
      !valid) {
    return errorReply(request.id, std::move(valid).error());
  }
  try {
    auto result = procedure->handler(request.args, context);
    if (!result) return errorReply(request.id, std::move(result).error());
    return successReply(request.id, std::move(*result));
  } catch (const std::exception& e) {
    return errorReply(request.id,
                      Error{ErrorCode::kFault, "Internal error in procedure '" +
                                                   request.proc + "': " + e.what()});
  } catch (...) {
    return errorReply(request.id,
                      Error{ErrorCode::kFault, "Internal error in procedure '" +
                                                   request.proc + "'"});
  }
}

}  // namespace gantry::core::rpc
