#include "daemon/master/lu/instance/migration_cleanup.h"

#include "core/cluster/json_access.h"
#include "daemon/master/cluster/node_rpc.h"
#include "daemon/master/lu/instance/instance_move.h"

namespace gantry::daemon::master {
using nlohmann::json;

namespace {
constexpr std::chrono::seconds kCallTimeout{60};
}  // namespace

void cleanupMigration(MasterServices& services, Feedback& feedback, const json& doc,
                      const std::string& instanceUuid) {
  const json& instance = doc.at("instances").at(instanceUuid);
  const std::string name = instance.value("name", "");
  const std::string hypervisor = instance.value("hypervisor", "");
  const std::string primaryUuid = instance.value("primary_node", "");
  const InstanceDescription description = describeInstance(doc, instanceUuid);
  feedback.message("* checking where the instance actually runs (if this hangs, the hypervisor "
                   "might be in a bad state)");

  // Every node that can run it: shared storage lets the guest be anywhere.
  std::vector<std::string> candidates;
  for (const auto& [uuid, node] : core::cluster::objectMember(doc, "nodes").items()) {
    if (node.value("offline", false) || !node.value("vm_capable", true)) continue;
    candidates.push_back(uuid);
  }
  std::vector<std::string> runningOn;
  for (const auto& uuid : candidates) {
    const json& node = doc.at("nodes").at(uuid);
    auto reply = callNode(services, nodeTarget(services, node), "all_instances_info",
                          {{"hypervisors", json::array({hypervisor})}}, kCallTimeout);
    if (!reply.ok) throw ExecError("Can't contact node " + node.value("name", "") + ": " + reply.msg);
    if (reply.result.contains(name)) runningOn.push_back(uuid);
  }
  if (runningOn.size() > 1) {
    throw ExecError("Instance seems to be running on two nodes, or the hypervisor is confused; "
                    "you will have to ensure manually that it runs only on one and restart this "
                    "operation");
  }
  if (runningOn.empty()) {
    throw ExecError("Instance does not seem to be running at all; in this case it's safer to "
                    "repair by running 'gnt-instance stop' to ensure disk shutdown, and then "
                    "restarting it");
  }
  const std::string actual = runningOn.front();
  const std::string actualName = doc.at("nodes").at(actual).value("name", "");
  if (actual != primaryUuid) {
    feedback.message("* instance running on secondary node (" + actualName +
                     "), updating config");
    recordNewPrimary(services, feedback, doc, instanceUuid, actual);
  } else {
    feedback.message("* instance confirmed to be running on its primary node (" + actualName +
                     ")");
  }
  // Whatever an unfinished migration left elsewhere (an incoming guest
  // waiting for memory, say) is dropped; for a node that took no part
  // this changes nothing.
  for (const auto& uuid : candidates) {
    if (uuid == actual) continue;
    const json& node = doc.at("nodes").at(uuid);
    auto reply = callNode(services, nodeTarget(services, node), "instance_finalize_migration_dst",
                          {{"instance", description.instance}, {"info", ""}, {"success", false}},
                          kCallTimeout);
    if (!reply.ok) {
      feedback.warning("Could not clean up on node " + node.value("name", "") + ": " + reply.msg);
    }
  }
  feedback.message("* done");
}

}  // namespace gantry::daemon::master
