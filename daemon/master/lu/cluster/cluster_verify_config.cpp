// OP_CLUSTER_VERIFY_CONFIG (Ganeti's LUClusterVerifyConfig): the
// cluster-wide checks of the configuration itself, under Ganeti's step
// headers. Its result is false when an ERROR was reported.
#include <algorithm>

#include "core/cluster/json_access.h"
#include "core/config/store.h"
#include "daemon/master/cluster/verify/verify_report.h"
#include "daemon/master/lu/logical_unit.h"

namespace gantry::daemon::master {
namespace {
using core::cluster::objectMember;
using nlohmann::json;

class LuClusterVerifyConfig : public LogicalUnit {
 public:
  using LogicalUnit::LogicalUnit;

  bool requiresBgl() const override { return false; }

  void expandNames() override {
    neededLocks[core::locking::Level::kNodeGroup] = {true, {}, core::locking::Mode::kShared};
    neededLocks[core::locking::Level::kNode] = {true, {}, core::locking::Mode::kShared};
  }

  void checkPrereq() override {
    if (services.config == nullptr) throw PrereqError("The cluster is not initialized");
  }

  json exec() override {
    verify::Reporter reporter(op, feedback);
    const auto snapshot = services.config->document();
    const json& doc = *snapshot;
    feedback.message("* Verifying cluster config");
    verifyConfig(reporter, doc);
    // Nodes talk CURVE with keys, not X509: no certificate of Ganeti's
    // list exists to be checked.
    feedback.message("* Verifying cluster certificate files");
    feedback.message("* Verifying hypervisor parameters");
    feedback.message("* Verifying all nodes belong to an existing group");
    verifyDanglingNodes(reporter, doc);
    return reporter.ok();
  }

 private:
  // Part of Ganeti's _UnlockedVerifyConfig: the node roles.
  static void verifyConfig(verify::Reporter& reporter, const json& doc) {
    const std::string master = doc.value("/cluster/master_node"_json_pointer, "");
    const auto& nodes = objectMember(doc, "nodes");
    if (auto it = nodes.find(master); it != nodes.end() && !it->value("master_candidate", false)) {
      reporter.error("ECLUSTERCFG", "", "Master node is not a master candidate");
    }
    for (const auto& [uuid, node] : nodes.items()) {
      (void)uuid;
      const bool candidate = node.value("master_candidate", false);
      const bool drained = node.value("drained", false);
      const bool offline = node.value("offline", false);
      if (static_cast<int>(candidate) + static_cast<int>(drained) + static_cast<int>(offline) > 1) {
        auto flag = [](bool b) { return std::string(b ? "True" : "False"); };
        reporter.error("ECLUSTERCFG", "",
                       "Node " + node.value("name", uuid) +
                           " state is invalid: master_candidate=" + flag(candidate) +
                           ", drain=" + flag(drained) + ", offline=" + flag(offline));
      }
    }
  }

  static void verifyDanglingNodes(verify::Reporter& reporter, const json& doc) {
    const auto& groups = objectMember(doc, "nodegroups");
    std::vector<std::string> dangling;
    const auto& instances = objectMember(doc, "instances");
    for (const auto& [uuid, node] : objectMember(doc, "nodes").items()) {
      if (groups.contains(node.value("group", ""))) continue;
      std::vector<std::string> primaries;
      for (const auto& [iuuid, instance] : instances.items()) {
        if (instance.value("primary_node", "") == uuid) {
          primaries.push_back(instance.value("name", iuuid));
        }
      }
      std::sort(primaries.begin(), primaries.end());
      std::string list;
      for (const auto& p : primaries) list += (list.empty() ? "" : ", ") + p;
      dangling.push_back(node.value("name", uuid) + " (" + list + ")");
    }
    if (dangling.empty()) return;
    std::sort(dangling.begin(), dangling.end());
    std::string text;
    for (const auto& d : dangling) text += (text.empty() ? "" : ", ") + d;
    reporter.error("ECLUSTERDANGLINGNODES", "",
                   "the following nodes (and their instances) belong to a non existing "
                   "group: " + text);
  }
};

}  // namespace

void registerClusterVerifyConfig() {
  registerLogicalUnit("OP_CLUSTER_VERIFY_CONFIG", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuClusterVerifyConfig>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
