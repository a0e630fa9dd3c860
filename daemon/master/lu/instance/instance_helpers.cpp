#include "daemon/master/lu/instance/instance_helpers.h"

#include <algorithm>

#include "core/config/store.h"
#include "core/locking/lock_manager.h"
#include "daemon/master/cluster/config_helpers.h"
#include "daemon/master/cluster/config_push.h"
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

void commitInstanceChange(MasterServices& services, Feedback& feedback, const std::string& uuid,
                          core::config::StoreChange change) {
  using core::config::jsonPointer;
  using core::config::StoreOp;
  services.config->commitWith([&](const json& doc) {
    core::config::StoreChange full = change;
    const double now = nowSeconds();
    const json& instance = doc.at("instances").at(uuid);
    full.push_back(StoreOp::put(jsonPointer({"instances", uuid, "serial_no"}),
                                instance.value("serial_no", 0) + 1));
    full.push_back(StoreOp::put(jsonPointer({"instances", uuid, "mtime"}), now));
    bumpCluster(doc, full, now);
    return full;
  });
  for (const auto& warning : distributeConfig(services)) feedback.warning(warning);
}

void requireOsOnNode(MasterServices& services, const json& node, const std::string& os,
                     bool forceVariant) {
  const std::string nodeName = node.value("name", "");
  const std::string base = os.substr(0, os.find('+'));
  const std::string variant =
      os.find('+') == std::string::npos ? "" : os.substr(os.find('+') + 1);
  auto reply = callNode(services, nodeTarget(services, node), "os_diagnose", json::object(),
                        std::chrono::seconds(60));
  if (!reply.ok) {
    throw PrereqError("OS '" + base + "' not in supported OS list for node " + nodeName + ": " +
                          reply.msg,
                      sdk::ErrorCode::kEnvironment);
  }
  for (const auto& entry : reply.result) {
    if (!entry.is_array() || entry.size() != 8 || entry[0] != base) continue;
    if (!entry[2].get<bool>()) {
      throw PrereqError("OS '" + base + "' not in supported OS list for node " + nodeName +
                            ": " + entry[3].get<std::string>(),
                        sdk::ErrorCode::kInvalid);
    }
    const json& variants = entry[4];
    if (!variants.empty() && variant.empty() && !forceVariant) {
      throw PrereqError("OS name '" + base + "' must include a variant",
                        sdk::ErrorCode::kInvalid);
    }
    const bool known = std::find(variants.begin(), variants.end(), variant) != variants.end();
    if (!variant.empty() && !known && !forceVariant) {
      throw PrereqError("Unsupported OS variant", sdk::ErrorCode::kInvalid);
    }
    return;
  }
  throw PrereqError("OS '" + base + "' not in supported OS list for node " + nodeName,
                    sdk::ErrorCode::kInvalid);
}

void requireInstanceState(MasterServices& services, Feedback& feedback, const json& doc,
                          const std::string& uuid, const std::vector<std::string>& adminStates,
                          const std::string& why) {
  const json& instance = doc.at("instances").at(uuid);
  const std::string name = instance.value("name", "");
  const std::string state = instance.value("admin_state", "down");
  if (std::find(adminStates.begin(), adminStates.end(), state) == adminStates.end()) {
    throw PrereqError("Instance '" + name + "' is marked to be " + state + ", " + why,
                      sdk::ErrorCode::kState);
  }
  if (std::find(adminStates.begin(), adminStates.end(), "up") != adminStates.end()) return;
  const InstanceDescription description = describeInstance(doc, uuid);
  if (description.primaryNode.value("offline", false)) {
    feedback.warning("Primary node offline, ignoring check that instance is down");
    return;
  }
  const auto running = instanceRunning(services, description, instance.value("hypervisor", ""));
  if (!running) {
    throw PrereqError("Can't contact node " + description.primaryNodeName +
                          " for instance information",
                      sdk::ErrorCode::kEnvironment);
  }
  if (*running) {
    throw PrereqError("Instance " + name + " is running, " + why, sdk::ErrorCode::kState);
  }
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
    throw PrereqError("Can't use offline node: " + node.value("name", ""), sdk::ErrorCode::kState);
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
