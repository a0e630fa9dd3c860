#include "daemon/master/allocator/allocator_call.h"

#include "core/allocator/runner.h"
#include "core/cluster/json_access.h"
#include "daemon/master/allocator/allocator_input.h"
#include "daemon/master/lu/logical_unit.h"

namespace gantry::daemon::master {
using nlohmann::json;

namespace {

// The cluster's default_iallocator_params as command-line options.
sdk::AllocatorOptions clusterOptions(const json& doc) {
  sdk::AllocatorOptions options;
  const json params =
      doc.value("cluster", json::object()).value("default_iallocator_params", json::object());
  for (const auto& [key, value] : params.items()) {
    if (value.is_null()) {
      options[key] = std::nullopt;
    } else {
      options[key] = value.is_string() ? value.get<std::string>() : value.dump();
    }
  }
  return options;
}

std::string spaceTemplateOf(const json& doc, const json& request) {
  if (request.contains("disk_template") && request["disk_template"].is_string()) {
    return request["disk_template"];
  }
  if (request.value("type", "") == "relocate") {
    const json& instances = core::cluster::objectMember(doc, "instances");
    for (const auto& [uuid, instance] : instances.items()) {
      if (instance.value("name", "") != request.value("name", "")) continue;
      const json& disks = core::cluster::objectMember(doc, "disks");
      for (const auto& d : instance.value("disks", json::array())) {
        if (disks.contains(d.get<std::string>())) {
          return disks.at(d.get<std::string>()).value("dev_type", "diskless");
        }
      }
    }
  }
  const json enabled =
      doc.value("cluster", json::object()).value("enabled_disk_templates", json::array());
  return enabled.empty() ? "diskless" : enabled[0].get<std::string>();
}

}  // namespace

std::optional<std::string> chooseAllocator(const json& doc,
                                           const std::optional<std::string>& requested) {
  if (requested && !requested->empty() && *requested != ".") return requested;
  const std::string fallback =
      doc.value("cluster", json::object()).value("default_iallocator", json("")).is_string()
          ? doc.value("cluster", json::object()).value("default_iallocator", "")
          : "";
  if (fallback.empty()) return std::nullopt;
  return fallback;
}

void requireAllocatorOrNode(const std::optional<std::string>& allocator,
                            const std::optional<std::string>& node) {
  if (allocator && node) {
    throw PrereqError("Do not specify both, iallocator and node", sdk::ErrorCode::kInvalid);
  }
}

json allocatorInput(MasterServices& services, const json& doc, const json& request) {
  json input;
  try {
    input = allocatorClusterData(services, doc, spaceTemplateOf(doc, request));
  } catch (const std::runtime_error& e) {
    throw PrereqError(e.what(), sdk::ErrorCode::kEnvironment);
  }
  input["request"] = request;
  return input;
}

std::string runAllocatorRaw(MasterServices& services, const json& doc,
                            const std::string& allocator, const json& input,
                            const sdk::AllocatorOptions& extraOptions) {
  core::allocator::AllocatorRunnerOptions options;
  options.searchPath = core::allocator::defaultAllocatorSearchPath();
  core::allocator::AllocatorRunner runner(services.plugins, options);
  sdk::AllocatorOptions allOptions = clusterOptions(doc);
  for (const auto& [key, value] : extraOptions) allOptions[key] = value;
  auto answer = runner.run(allocator, input.dump(), allOptions);
  if (!answer) {
    throw ExecError("Failure while running the iallocator script: " + answer.error().message);
  }
  return json{{"success", answer->success},
              {"info", answer->info},
              {"result", json::parse(answer->resultJson)}}
      .dump();
}

json runAllocator(MasterServices& services, const json& doc, const std::string& allocator,
                  const json& request, const sdk::AllocatorOptions& extraOptions) {
  const json answer = json::parse(runAllocatorRaw(
      services, doc, allocator, allocatorInput(services, doc, request), extraOptions));
  if (!answer.value("success", false)) {
    throw PrereqError("Can't compute nodes using iallocator '" + allocator +
                          "': " + answer.value("info", ""),
                      sdk::ErrorCode::kNoResources);
  }
  return answer.at("result");
}

std::vector<std::string> allocateNodes(MasterServices& services, const json& doc,
                                       const std::string& allocator, const json& request,
                                       std::size_t count) {
  const json result = runAllocator(services, doc, allocator, request);
  if (!result.is_array()) {
    throw ExecError("iallocator returned invalid result, expected list, got " + result.dump());
  }
  if (result.size() != count) {
    throw ExecError("iallocator returned invalid number of nodes (" +
                    std::to_string(result.size()) + "), required " + std::to_string(count));
  }
  std::vector<std::string> nodes;
  const json& configNodes = core::cluster::objectMember(doc, "nodes");
  for (const auto& node : result) {
    if (!node.is_string()) {
      throw ExecError("iallocator returned invalid result, expected list of node names, got " +
                      result.dump());
    }
    bool known = false;
    for (const auto& [uuid, n] : configNodes.items()) known = known || n.value("name", "") == node;
    if (!known) throw ExecError("iallocator returned an unknown node: " + node.get<std::string>());
    nodes.push_back(node.get<std::string>());
  }
  return nodes;
}

}  // namespace gantry::daemon::master
