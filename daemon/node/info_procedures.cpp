// version, node_info, volume_list, test_delay: what the master asks to
// learn about a node, and a delay for testing the queue and timeouts.
#include <chrono>
#include <cmath>

#include <nlohmann/json.hpp>

#include "core/rpc/small_file.h"
#include "core/version.h"
#include "daemon/node/node_context.h"
#include "gantry/sdk/hypervisor.h"
#include "gantry/sdk/storage.h"

namespace gantry::daemon::node {

namespace {

using core::rpc::ArgType;
using core::rpc::CallContext;
using nlohmann::json;
using sdk::Error;
using sdk::ErrorCode;

// Ganeti's test_delay has no upper bound; one day is far more than any
// test needs and keeps a typo from parking a worker for years.
constexpr double kMaxDelaySeconds = 86400;

sdk::Result<sdk::Storage*> storagePlugin(const NodeContext& node,
                                         const std::string& kind) {
  auto plugin = node.registry->get<sdk::Storage>(kind);
  if (!plugin) {
    return Error{ErrorCode::kNotFound,
                 "Storage plugin '" + kind + "' is not loaded on this node"};
  }
  return *plugin;
}

std::string bootId() {
  auto id = core::rpc::readSmallFile("/proc/sys/kernel/random/boot_id", 256);
  return id ? core::rpc::trimRight(std::move(*id)) : std::string();
}

sdk::Result<json> nodeInfo(const NodeContext& node, const json& args) {
  const std::string hvName = args.at("hypervisor").get<std::string>();
  auto hv = node.registry->get<sdk::Hypervisor>(hvName);
  if (!hv) {
    return Error{ErrorCode::kNotFound,
                 "Hypervisor plugin '" + hvName + "' is not loaded on this node"};
  }
  auto resources = (*hv)->nodeResources();
  if (!resources) return std::move(resources).error();
  json out = {{"hypervisor", hvName},
              {"memory_total", resources->memoryTotalMiB},
              {"memory_free", resources->memoryFreeMiB},
              {"memory_dom0", resources->memoryDom0MiB},
              {"memory_hv", resources->memoryHvMiB},
              {"cpu_total", resources->cpuTotal},
              {"cpu_dom0", resources->cpuDom0},
              {"cpu_nodes", resources->cpuNodes},
              {"cpu_sockets", resources->cpuSockets},
              {"bootid", bootId()}};
  if (!resources->hvVersion.empty()) out["hv_version"] = resources->hvVersion;
  json storage = json::array();
  if (auto kinds = args.find("storage"); kinds != args.end()) {
    for (const auto& kind : *kinds) {
      auto plugin = storagePlugin(node, kind.get<std::string>());
      if (!plugin) return std::move(plugin).error();
      auto units = (*plugin)->spaceInfo();
      if (!units) return std::move(units).error();
      for (const auto& unit : *units) {
        storage.push_back({{"type", kind},
                           {"name", unit.key},
                           {"storage_size", unit.totalMiB},
                           {"storage_free", unit.freeMiB},
                           {"spindles_size", unit.totalSpindles},
                           {"spindles_free", unit.freeSpindles}});
      }
    }
  }
  out["storage"] = std::move(storage);
  return out;
}

sdk::Result<json> volumeList(const NodeContext& node, const json& args) {
  json out = json::object();
  for (const auto& kind : args.at("storage")) {
    const std::string name = kind.get<std::string>();
    auto plugin = storagePlugin(node, name);
    if (!plugin) return std::move(plugin).error();
    auto volumes = (*plugin)->listVolumes();
    if (!volumes) return std::move(volumes).error();
    json list = json::array();
    for (const auto& v : *volumes) {
      list.push_back({{"name", v.name},
                      {"physical", v.physical},
                      {"size", v.sizeMiB},
                      {"owner", v.owner},
                      {"active", v.active}});
    }
    out[name] = std::move(list);
  }
  return out;
}

sdk::Result<json> testDelay(const json& args, const CallContext& context) {
  const double seconds = args.at("duration").get<double>();
  if (!std::isfinite(seconds) || seconds < 0 || seconds > kMaxDelaySeconds) {
    return Error{ErrorCode::kInvalid,
                 "Invalid delay " + args.at("duration").dump() +
                     ": must be between 0 and 86400 seconds"};
  }
  const auto duration = std::chrono::duration<double>(seconds);
  if (context.stop->waitFor(
          std::chrono::duration_cast<std::chrono::milliseconds>(duration))) {
    return Error{ErrorCode::kState,
                 "Delay interrupted: the node daemon is shutting down"};
  }
  return json(true);
}

}  // namespace

void addInfoProcedures(core::rpc::ProcedureTable& table, NodeContext& node) {
  table.add({"version", {}, [&node](const json&, const CallContext&) -> sdk::Result<json> {
               return json{{"protocol", node.protocolVersion},
                           {"version", core::version()}};
             }});
  table.add({"node_info",
             {{"hypervisor", ArgType::kString, true},
              {"storage", ArgType::kStringList, false}},
             [&node](const json& args, const CallContext&) {
               return nodeInfo(node, args);
             }});
  table.add({"volume_list",
             {{"storage", ArgType::kStringList, true}},
             [&node](const json& args, const CallContext&) {
               return volumeList(node, args);
             }});
  table.add({"test_delay",
             {{"duration", ArgType::kNumber, true}},
             [](const json& args, const CallContext& context) {
               return testDelay(args, context);
             }});
}

void addNodeProcedures(core::rpc::ProcedureTable& table, NodeContext& node) {
  addInfoProcedures(table, node);
  addFileProcedures(table, node);
  addJoinProcedure(table, node);
  addDemoteProcedure(table, node);
  addLeaveProcedure(table, node);
  addHooksProcedure(table, node);
  addOsProcedures(table, node);
  addBlockdevProcedures(table, node);
  addInstanceProcedures(table, node);
  addConsoleProcedures(table, node);
  addStopMasterProcedure(table, node);
  addVerifyProcedure(table, node);
}

}  // namespace gantry::daemon::node
