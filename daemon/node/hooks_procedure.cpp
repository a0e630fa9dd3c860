// hooks_runner: runs this node's hook scripts for one phase of one hooks
// path with the environment the master built (Ganeti's hooks_runner RPC),
// from <root>/etc/gantry/hooks. Answers Ganeti's list of
// [script, status, output] (status 0 skipped, 1 failed, 2 success).
#include <nlohmann/json.hpp>

#include "core/hooks/hook_scripts.h"
#include "daemon/node/node_context.h"

namespace gantry::daemon::node {
namespace {
using nlohmann::json;
using sdk::Error;
using sdk::ErrorCode;

// Ganeti's per-script hooks timeout.
constexpr std::chrono::seconds kHookTimeout{3600};

sdk::Result<json> runHooksHere(NodeContext& node, const json& args) {
  core::hooks::HooksRequest request;
  request.hooksDir = node.paths.root / "etc/gantry/hooks";
  request.hooksPath = args.at("hpath").get<std::string>();
  request.phase = args.at("phase").get<std::string>();
  request.timeout = kHookTimeout;
  if (!core::hooks::isValidHooksPath(request.hooksPath)) {
    return Error{ErrorCode::kInvalid, "Invalid hooks path '" + request.hooksPath + "'"};
  }
  if (request.phase != "pre" && request.phase != "post") {
    return Error{ErrorCode::kInvalid,
                 "Invalid hooks phase '" + request.phase + "' (pre or post)"};
  }
  for (const auto& [key, value] : args.at("env").items()) {
    if (!value.is_string()) {
      return Error{ErrorCode::kInvalid, "Hooks environment variable " + key + " is not a string"};
    }
    request.env[key] = value.get<std::string>();
  }
  json results = json::array();
  for (const auto& r : core::hooks::runHooks(request)) {
    results.push_back({r.script, static_cast<int>(r.status), r.output});
  }
  return results;
}

}  // namespace

void addHooksProcedure(core::rpc::ProcedureTable& table, NodeContext& node) {
  table.add({"hooks_runner",
             {{"hpath", core::rpc::ArgType::kString, true},
              {"phase", core::rpc::ArgType::kString, true},
              {"env", core::rpc::ArgType::kStringMap, true}},
             [&node](const json& args, const core::rpc::CallContext&) {
               return runHooksHere(node, args);
             }});
}

}  // namespace gantry::daemon::node
