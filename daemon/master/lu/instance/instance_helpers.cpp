#include "daemon/master/lu/instance/instance_helpers.h"

#include "daemon/master/lu/instance/set_params_mods.h"

#include <algorithm>

#include "core/cluster/json_access.h"
#include "core/config/defaults.h"
#include "core/config/store.h"
#include "core/rpc/secrets.h"
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
  if (services.config != nullptr) requireInstance(*services.config->document(), name_);
  neededLocks[core::locking::Level::kInstance] = {false, {name_}};
}

std::map<std::string, std::string> InstanceLogicalUnit::hooksEnv() const {
  std::map<std::string, std::string> env;
  if (!uuid_.empty() && doc().contains("instances") && doc().at("instances").contains(uuid_)) {
    env = instanceHooksEnv(doc(), uuid_);
  }
  for (auto& [key, value] : extraHooksEnv()) env[key] = value;
  return env;
}

HooksNodes InstanceLogicalUnit::hooksNodes() const {
  std::vector<std::string> nodes = {masterNodeName()};
  if (!uuid_.empty() && doc().contains("instances") && doc().at("instances").contains(uuid_)) {
    const InstanceDescription d = describeInstance(doc(), uuid_);
    nodes.push_back(d.primaryNodeName);
    for (const auto& secondary : d.instance.value("secondary_nodes", json::array())) {
      if (secondary.is_string() && doc().at("nodes").contains(secondary.get<std::string>())) {
        nodes.push_back(doc().at("nodes").at(secondary.get<std::string>()).value("name", ""));
      }
    }
  }
  std::sort(nodes.begin(), nodes.end());
  nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
  return {nodes, nodes};
}

std::set<std::string> macsInUse(const json& doc) {
  std::set<std::string> macs;
  for (const auto& [uuid, instance] : core::cluster::objectMember(doc, "instances").items()) {
    for (const auto& nic : core::cluster::arrayMember(instance, "nics")) {
      macs.insert(nic.value("mac", ""));
    }
  }
  return macs;
}

std::string generateMac(const std::string& prefix, const std::set<std::string>& inUse) {
  for (;;) {
    auto token = core::rpc::randomToken(3);
    if (!token) throw ExecError("Cannot generate a MAC address: " + token.error().message);
    std::string mac = prefix;
    for (std::size_t i = 0; i + 1 < token->size() && i < 6; i += 2) {
      mac += ":" + token->substr(i, 2);
    }
    if (!inUse.count(mac)) return mac;
  }
}

std::map<std::string, std::string> instanceHooksEnv(const json& doc, const std::string& uuid) {
  const json& instance = doc.at("instances").at(uuid);
  const InstanceDescription d = describeInstance(doc, uuid);
  const json be = filledBeparams(doc, instance);
  const json hv = filledHvparams(doc, instance);
  const std::string name = instance.value("name", "");
  std::map<std::string, std::string> env = {
      {"OP_TARGET", name},
      {"INSTANCE_NAME", name},
      {"INSTANCE_PRIMARY", d.primaryNodeName},
      {"INSTANCE_OS_TYPE", instance.value("os", "")},
      {"INSTANCE_STATUS", instance.value("admin_state", "down") == "up" ? "up" : "down"},
      {"INSTANCE_MINMEM", pythonText(be.value("minmem", json(nullptr)))},
      {"INSTANCE_MAXMEM", pythonText(be.value("maxmem", json(nullptr)))},
      {"INSTANCE_MEMORY", pythonText(be.value("maxmem", json(nullptr)))},
      {"INSTANCE_VCPUS", pythonText(be.value("vcpus", json(nullptr)))},
      {"INSTANCE_HYPERVISOR", instance.value("hypervisor", "")}};
  std::string secondaries;
  for (const auto& s : d.instance.value("secondary_nodes", json::array())) {
    const std::string node = s.get<std::string>();
    const json& nodes = doc.at("nodes");
    secondaries += (secondaries.empty() ? "" : " ") +
                   (nodes.contains(node) ? nodes.at(node).value("name", node) : node);
  }
  env["INSTANCE_SECONDARIES"] = secondaries;
  const json nics = d.instance.value("nics", json::array());
  for (std::size_t i = 0; i < nics.size(); ++i) {
    const std::string prefix = "INSTANCE_NIC" + std::to_string(i) + "_";
    const json& nic = nics[i];
    if (!nic.value("name", "").empty()) env[prefix + "NAME"] = nic.value("name", "");
    env[prefix + "UUID"] = nic.value("uuid", "");
    env[prefix + "IP"] = nic.value("ip", "");
    env[prefix + "MAC"] = nic.value("mac", "");
    env[prefix + "MODE"] = nic.value("mode", "");
    env[prefix + "LINK"] = nic.value("link", "");
    env[prefix + "VLAN"] = nic.value("vlan", "");
    const std::string mode = nic.value("mode", "");
    if (mode == "bridged" || mode == "openvswitch") env[prefix + "BRIDGE"] = nic.value("link", "");
  }
  env["INSTANCE_NIC_COUNT"] = std::to_string(nics.size());
  const json diskUuids = instance.value("disks", json::array());
  std::string diskTemplate = "diskless";
  for (std::size_t i = 0; i < diskUuids.size(); ++i) {
    const json& disk = doc.at("disks").at(diskUuids[i].get<std::string>());
    diskTemplate = disk.value("dev_type", diskTemplate);
    const std::string prefix = "INSTANCE_DISK" + std::to_string(i) + "_";
    if (disk.contains("name") && disk["name"].is_string()) env[prefix + "NAME"] = disk["name"];
    env[prefix + "UUID"] = disk.value("uuid", "");
    env[prefix + "SIZE"] = pythonText(disk.value("size", json(0)));
    env[prefix + "MODE"] = disk.value("mode", "rw");
  }
  env["INSTANCE_DISK_COUNT"] = std::to_string(diskUuids.size());
  env["INSTANCE_DISK_TEMPLATE"] = instance.value("disk_template", diskTemplate);
  std::string tags;
  for (const auto& tag : instance.value("tags", json::array())) {
    tags += (tags.empty() ? "" : " ") + pythonText(tag);
  }
  env["INSTANCE_TAGS"] = tags;
  for (const auto& [key, value] : be.items()) env["INSTANCE_BE_" + key] = pythonText(value);
  for (const auto& [key, value] : hv.items()) env["INSTANCE_HV_" + key] = pythonText(value);
  return env;
}

void InstanceLogicalUnit::loadInstance() {
  if (services.config == nullptr) throw PrereqError("The cluster is not initialized");
  config_ = services.config->document();
  uuid_ = requireInstance(doc(), name_);
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

bool requireValidOsParams(MasterServices& services, const json& node, const std::string& os,
                          const json& osparams, bool forceVariant, bool required) {
  auto reply = callNode(services, nodeTarget(services, node), "os_validate",
                        {{"name", os}, {"osparams", osparams}, {"force_variant", forceVariant}},
                        std::chrono::seconds(60));
  if (!reply.ok && !required && reply.code == sdk::ErrorCode::kNotFound) return false;
  // Ganeti raises the node's failure as OpExecError (RpcResult.Raise
  // without prereq), although it happens while checking prerequisites.
  if (!reply.ok) {
    throw ExecError("OS Parameters validation failed on node " + node.value("name", "") + ": " +
                    reply.msg);
  }
  return true;
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

sdk::Result<std::optional<json>> liveInstanceInfo(MasterServices& services,
                                                  const InstanceDescription& d,
                                                  const std::string& hypervisor) {
  auto reply = callNode(services, nodeTarget(services, d.primaryNode), "all_instances_info",
                        {{"hypervisors", json::array({hypervisor})}}, std::chrono::seconds(10));
  if (!reply.ok) return sdk::Error{sdk::ErrorCode::kEnvironment, reply.msg};
  const std::string name = d.instance.value("name", "");
  if (!reply.result.is_object() || !reply.result.contains(name)) return std::optional<json>{};
  return std::optional<json>{std::move(reply.result[name])};
}

std::optional<bool> instanceRunning(MasterServices& services, const InstanceDescription& d,
                                    const std::string& hypervisor) {
  auto live = liveInstanceInfo(services, d, hypervisor);
  if (!live) return std::nullopt;
  return live->has_value();
}

sdk::Result<json> instanceConsole(MasterServices& services, const json& doc,
                                  const InstanceDescription& d) {
  auto reply = callNode(services, nodeTarget(services, d.primaryNode), "instance_console_info",
                        {{"instance", d.instance}}, std::chrono::seconds(10));
  if (!reply.ok) return sdk::Error{sdk::ErrorCode::kFault, reply.msg};
  json console = std::move(reply.result);
  if (console.value("kind", "") == "ssh" && console.value("port", 0) == 0) {
    const json port = filledNdparams(doc, d.primaryNode).value("ssh_port", json());
    console["port"] = port.is_number_integer() ? port
                                               : core::config::ndDefaults().value("ssh_port", json(22));
  }
  return console;
}

void startOnPrimary(MasterServices& services, const InstanceDescription& d) {
  auto reply = callNode(services, nodeTarget(services, d.primaryNode), "instance_start",
                        {{"instance", d.instance}, {"disks", d.disks}}, kStartTimeout);
  if (!reply.ok) throw StartError(d.primaryNodeName, reply.msg);
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
