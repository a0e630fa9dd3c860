#include "daemon/master/lu/instance/instance_helpers.h"

#include "core/config/store.h"
#include "core/locking/lock_manager.h"
#include "daemon/master/cluster/node_rpc.h"

namespace gantry::daemon::master {
using nlohmann::json;

namespace {
constexpr std::chrono::seconds kStartTimeout{300};
}  // namespace

void InstanceLogicalUnit::expandNames() {
  name_ = op.getString("instance_name");
  if (services.config != nullptr) requireInstance(services.config->get(""), name_);
  neededLocks[core::locking::Level::kInstance] = {false, {name_}};
}

void InstanceLogicalUnit::loadInstance() {
  if (services.config == nullptr) throw PrereqError("The cluster is not initialized");
  doc_ = services.config->get("");
  uuid_ = requireInstance(doc_, name_);
}

std::string requireInstance(const json& doc, const std::string& name) {
  const std::string uuid = instanceUuidByName(doc, name);
  if (uuid.empty()) {
    throw PrereqError("Instance '" + name + "' not known", sdk::ErrorCode::kNotFound);
  }
  return uuid;
}

void requireOnlineNode(const json& node) {
  if (node.value("offline", false)) {
    throw PrereqError("Can't use offline node " + node.value("name", ""), sdk::ErrorCode::kState);
  }
}

void requireFreeMemory(MasterServices& services, const json& node, const std::string& hypervisor,
                       std::int64_t neededMiB, const std::string& reason) {
  const std::string name = node.value("name", "");
  auto reply = callNode(services, nodeTarget(services, node), "node_info",
                        {{"hypervisor", hypervisor}}, std::chrono::seconds(10));
  if (!reply.ok || !reply.result.contains("memory_free") ||
      !reply.result["memory_free"].is_number_integer()) {
    throw PrereqError("Can't compute free memory on node " + name + ", result was '" +
                          (reply.ok ? reply.result.dump() : reply.msg) + "'",
                      sdk::ErrorCode::kEnvironment);
  }
  const auto freeMiB = reply.result["memory_free"].get<std::int64_t>();
  if (neededMiB > freeMiB) {
    throw PrereqError("Not enough memory on node " + name + " for " + reason + ": needed " +
                          std::to_string(neededMiB) + " MiB, available " +
                          std::to_string(freeMiB) + " MiB",
                      sdk::ErrorCode::kNoResources);
  }
}

std::optional<bool> instanceRunning(MasterServices& services, const InstanceDescription& d,
                                    const std::string& hypervisor) {
  auto reply = callNode(services, nodeTarget(services, d.primaryNode), "all_instances_info",
                        {{"hypervisors", json::array({hypervisor})}}, std::chrono::seconds(10));
  if (!reply.ok) return std::nullopt;
  return reply.result.contains(d.instance.value("name", ""));
}

void startOnPrimary(MasterServices& services, const InstanceDescription& d) {
  auto reply = callNode(services, nodeTarget(services, d.primaryNode), "instance_start",
                        {{"instance", d.instance}, {"disks", d.disks}}, kStartTimeout);
  if (!reply.ok) throw ExecError("Could not start instance: " + reply.msg);
}

std::string stopOnPrimary(MasterServices& services, const InstanceDescription& d,
                          std::chrono::seconds timeout) {
  // A node daemon that is down is told at once, not after the timeout.
  auto replies = callReachableNodes(services, {nodeTarget(services, d.primaryNode)},
                                    "instance_shutdown",
                                    {{"instance", d.instance}, {"timeout", timeout.count()}},
                                    timeout + std::chrono::seconds(30));
  return replies.at(0).ok ? "" : replies.at(0).msg;
}

}  // namespace gantry::daemon::master
