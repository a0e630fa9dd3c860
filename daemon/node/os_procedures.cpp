// os_diagnose: the OS definitions this node's OS providers offer, valid or
// not (Ganeti's os_diagnose RPC), for gnt-os list/info/diagnose and the
// checks of instance creation. One entry per OS found, each
//   [name, path, valid, diagnose, variants, [[param, doc], ...],
//    api_versions, trusted]
// the one in use first, then the copies it shadows on the search path.
// os_validate: the OS provider that has the OS checks a variant and
// parameters (Ganeti's os_validate RPC, run before anything is made).
#include <nlohmann/json.hpp>

#include "core/plugins/registry.h"
#include "daemon/node/node_context.h"
#include "gantry/sdk/os_provider.h"

namespace gantry::daemon::node {
namespace {
using nlohmann::json;

json entry(const std::string& name, const std::string& path, bool valid,
           const std::string& diagnose, const sdk::OsDefinition& os) {
  json parameters = json::array();
  for (const auto& [param, doc] : os.parameters) parameters.push_back({param, doc});
  return json::array({name, path, valid, diagnose, os.variants, parameters, os.apiVersions,
                      os.trusted});
}

sdk::Result<json> diagnoseOses(NodeContext& node) {
  json out = json::array();
  for (const auto& providerName : node.registry->names(sdk::OsProvider::kKind)) {
    auto provider = node.registry->get<sdk::OsProvider>(providerName);
    if (!provider) continue;
    auto oses = (*provider)->listOses();
    if (!oses) return std::move(oses).error();
    for (const auto& os : *oses) {
      out.push_back(entry(os.name, os.path.string(), os.valid, os.diagnose, os));
      for (std::size_t i = 0; i < os.hiddenPaths.size(); ++i) {
        const std::string why = i < os.hiddenDiagnoses.size() ? os.hiddenDiagnoses[i] : "";
        out.push_back(entry(os.name, os.hiddenPaths[i].string(), why.empty(), why, os));
      }
    }
  }
  return out;
}

sdk::Result<json> validateOs(NodeContext& node, const json& args) {
  const std::string name = args.at("name").get<std::string>();
  const std::string base = name.substr(0, name.find('+'));
  sdk::ParamMap params;
  const json given = args.value("osparams", json::object());
  for (const auto& [key, value] : given.items()) {
    if (value.is_string()) {
      params[key] = value.get<std::string>();
    } else if (!value.is_null()) {
      params[key] = value.dump();
    }
  }
  for (const auto& providerName : node.registry->names(sdk::OsProvider::kKind)) {
    auto provider = node.registry->get<sdk::OsProvider>(providerName);
    if (!provider || !(*provider)->findOs(base)) continue;
    auto valid = (*provider)->validate(name, params, args.value("force_variant", false));
    if (!valid) return std::move(valid).error();
    return json(true);
  }
  return sdk::Error{sdk::ErrorCode::kNotFound, "OS '" + base + "' not found on this node"};
}

}  // namespace

void addOsProcedures(core::rpc::ProcedureTable& table, NodeContext& node) {
  table.add({"os_diagnose", {}, [&node](const json&, const core::rpc::CallContext&) {
               return diagnoseOses(node);
             }});
  table.add({"os_validate",
             {{"name", core::rpc::ArgType::kString, true},
              {"osparams", core::rpc::ArgType::kObject, false},
              {"force_variant", core::rpc::ArgType::kBool, false}},
             [&node](const json& a, const core::rpc::CallContext&) { return validateOs(node, a); }});
}

}  // namespace gantry::daemon::node
