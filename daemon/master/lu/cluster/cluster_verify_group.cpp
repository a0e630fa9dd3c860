// OP_CLUSTER_VERIFY_GROUP (Ganeti's LUClusterVerifyGroup): asks every
// online node of one group for node_verify and checks the answers
// (reachability, protocol version, time, replicated files, the network
// test), under Ganeti's step headers; then the cluster-verify post hooks.
// Its result is false when an ERROR was reported or a hook failed.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "core/cluster/file_digest.h"
#include "core/cluster/json_access.h"
#include "core/cluster/ssconf.h"
#include "core/config/store.h"
#include "core/query/engine.h"
#include "core/rpc/node_files.h"
#include "core/rpc/protocol.h"
#include "core/version.h"
#include "daemon/master/cluster/config_helpers.h"
#include "daemon/master/cluster/node_rpc.h"
#include "daemon/master/cluster/verify/file_check.h"
#include "daemon/master/cluster/verify/node_checks.h"
#include "daemon/master/instance/instance_description.h"
#include "daemon/master/lu/logical_unit.h"

namespace gantry::daemon::master {
namespace {
using core::cluster::objectMember;
using nlohmann::json;

// node_verify pings every peer twice; generous for large groups.
constexpr std::chrono::seconds kNodeVerifyTimeout{60};
constexpr const char* kConfigFile = "config.data";

struct GroupNode {
  std::string uuid;
  json object;
  std::string name() const { return object.value("name", uuid); }
  bool offline() const { return object.value("offline", false); }
};

std::string joinTags(const json& object) {
  std::string out;
  for (const auto& tag : object.value("tags", json::array())) {
    if (tag.is_string()) out += (out.empty() ? "" : " ") + tag.get<std::string>();
  }
  return out;
}

class LuClusterVerifyGroup : public LogicalUnit {
 public:
  using LogicalUnit::LogicalUnit;

  bool requiresBgl() const override { return false; }

  void expandNames() override {
    neededLocks[core::locking::Level::kNodeGroup] = {true, {}, core::locking::Mode::kShared};
    neededLocks[core::locking::Level::kNode] = {true, {}, core::locking::Mode::kShared};
  }

  void checkPrereq() override {
    if (services.config == nullptr) throw PrereqError("The cluster is not initialized");
    doc_ = services.config->get("");
    const std::string wanted = op.getString("group_name");
    const auto& groups = objectMember(doc_, "nodegroups");
    for (const auto& [uuid, group] : groups.items()) {
      if (uuid == wanted || group.value("name", "") == wanted) {
        groupUuid_ = uuid;
        groupName_ = group.value("name", uuid);
      }
    }
    if (groupUuid_.empty()) {
      throw PrereqError("Node group '" + wanted + "' not found", sdk::ErrorCode::kNotFound);
    }
    masterUuid_ = doc_.value("/cluster/master_node"_json_pointer, "");
    for (const auto& [uuid, node] : objectMember(doc_, "nodes").items()) {
      if (node.value("group", "") == groupUuid_) {
        nodes_.push_back({uuid, node});
      } else {
        outsideNodes_ = true;
      }
    }
    std::sort(nodes_.begin(), nodes_.end(), [](const GroupNode& a, const GroupNode& b) {
      return core::query::naturalLess(a.name(), b.name());
    });
  }

  std::string hooksPath() const override { return "cluster-verify"; }
  // Ganeti: no pre hooks; post hooks on every online node of the group.
  HooksNodes hooksNodes() const override {
    HooksNodes nodes;
    for (const auto& node : nodes_) {
      if (!node.offline()) nodes.post.push_back(node.name());
    }
    return nodes;
  }
  std::string hooksObjectType() const override { return "CLUSTER"; }
  std::map<std::string, std::string> hooksEnv() const override {
    std::map<std::string, std::string> env = {
        {"CLUSTER_TAGS", joinTags(objectMember(doc_, "cluster"))}};
    for (const auto& node : nodes_) env["NODE_TAGS_" + node.name()] = joinTags(node.object);
    return env;
  }

  json exec() override {
    feedback.message("* Verifying group '" + groupName_ + "'");
    if (nodes_.empty()) {
      feedback.message("* Empty node group, skipping verification");
      return true;
    }
    const std::string count = std::to_string(nodes_.size());
    feedback.message("* Gathering data (" + count + " nodes)");
    const auto files = replicatedFiles();
    json fileNames = json::array();
    for (const auto& f : files) fileNames.push_back(f.name);
    std::vector<core::rpc::NodeTarget> targets;
    json netNodes = json::array();
    for (const auto& node : nodes_) {
      auto target = nodeTarget(services, node.object);
      if (!node.offline()) {
        netNodes.push_back({node.name(), node.object.value("primary_ip", ""),
                            node.object.value("secondary_ip", ""), target.port});
      }
      targets.push_back(std::move(target));
    }
    const json checks = {{"filelist", fileNames},
                         {"node-net-test", {{"nodes", netNodes}}},
                         {"version", nullptr},
                         {"time", nullptr},
                         {"instancelist", doc_.value("/cluster/enabled_hypervisors"_json_pointer,
                                                     json::array())}};
    feedback.message("* Gathering information about nodes (" + count + " nodes)");
    verify::RpcWindow window;
    window.start = nowSeconds();
    auto replies =
        callReachableNodes(services, targets, "node_verify", {{"checks", checks}}, kNodeVerifyTimeout);
    window.end = nowSeconds();
    if (outsideNodes_) feedback.message("* Gathering information about the master node");
    feedback.message("* Gathering disk information (" + count + " nodes)");

    reporter_ = std::make_unique<verify::Reporter>(op, feedback);
    feedback.message("* Verifying configuration file consistency");
    verifyFiles(files, replies);
    feedback.message("* Verifying node status");
    verifyNodes(replies, window);
    feedback.message("* Verifying instance status");
    verifyInstances(replies);
    feedback.message("* Verifying orphan volumes");
    if (!skipped("nplusone_mem")) feedback.message("* Verifying N+1 Memory redundancy");
    feedback.message("* Other Notes");
    otherNotes();
    return reporter_->ok();
  }

  json postHooksCallBack(const std::vector<HookResult>& results, json result) override {
    if (nodes_.empty()) return result;
    feedback.message("* Hooks Results");
    for (const auto& r : results) {
      if (r.status != HookResult::Status::kFailed) continue;
      reporter_->error("ENODEHOOKS", r.node,
                       "Script " + hooksPath() + "-post.d/" + r.script + " failed, output:");
      std::string output = r.output;
      // Ganeti's node strips the output before encoding it on one line.
      while (!output.empty() && std::isspace(static_cast<unsigned char>(output.back()))) {
        output.pop_back();
      }
      while (!output.empty() && std::isspace(static_cast<unsigned char>(output.front()))) {
        output.erase(output.begin());
      }
      std::string::size_type pos = 0;
      while ((pos = output.find('\n', pos)) != std::string::npos) output.replace(pos, 1, "\\n");
      feedback.message("      " + output);
      result = false;
    }
    return result;
  }

 private:
  bool skipped(const std::string& check) const {
    if (!op.has("skip_checks")) return false;
    const auto& list = op.get("skip_checks");
    return std::find(list.begin(), list.end(), check) != list.end();
  }

  bool candidate(const GroupNode& node) const {
    return node.uuid == masterUuid_ || node.object.value("master_candidate", false);
  }

  // What the master keeps in step: config.data on master candidates; on
  // all nodes every ssconf file and those of the cluster's secrets and
  // keys the master has (Ganeti's ComputeAncillaryFiles).
  std::vector<verify::ReplicatedFile> replicatedFiles() const {
    std::vector<verify::ReplicatedFile> files;
    const auto dataDir = services.paths.dataDir;
    files.push_back({kConfigFile, (dataDir / kConfigFile).string(), true});
    for (const auto& name : core::rpc::uploadableFileNames()) {
      std::error_code ec;
      if (name == kConfigFile || !std::filesystem::is_regular_file(dataDir / name, ec)) continue;
      files.push_back({name, (dataDir / name).string(), false});
    }
    for (const auto& [key, value] : core::cluster::computeSsconf(doc_)) {
      (void)value;
      const std::string name = "ssconf_" + key;
      files.push_back({name, (dataDir / name).string(), false});
    }
    return files;
  }

  void verifyFiles(const std::vector<verify::ReplicatedFile>& files,
                   std::vector<core::rpc::NodeReply>& replies) {
    // The master's config.data on disk trails its journal; what it
    // distributes (and so what the candidates must hold) is the document.
    const std::string masterConfig = core::cluster::sha1Hex(doc_.dump());
    std::vector<verify::NodeFiles> answered;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      if (nodes_[i].offline()) continue;
      auto& reply = replies[i];
      json* list = nullptr;
      if (reply.ok && reply.result.is_object()) {
        auto it = reply.result.find("filelist");
        if (it != reply.result.end() && it->is_object() && !it->empty()) list = &*it;
      }
      if (list == nullptr) {
        reporter_->error("ENODEFILECHECK", nodes_[i].name(),
                         "Node did not return file checksum data");
        continue;
      }
      if (nodes_[i].uuid == masterUuid_) (*list)[kConfigFile] = masterConfig;
      answered.push_back({nodes_[i].name(), candidate(nodes_[i]), list});
    }
    verify::checkFiles(*reporter_, files, answered);
  }

  void verifyNodes(const std::vector<core::rpc::NodeReply>& replies, verify::RpcWindow window) {
    const bool verbose = op.has("verbose") && op.get("verbose").get<bool>();
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      const auto& node = nodes_[i];
      if (node.offline()) {
        if (verbose) feedback.message("* Skipping offline node " + node.name());
        continue;
      }
      if (verbose) feedback.message("* Verifying node " + node.name() + " (" + role(node) + ")");
      if (!verify::checkNodeAnswer(*reporter_, node.name(), replies[i])) continue;
      const json& answer = replies[i].result;
      verify::checkNodeVersion(*reporter_, node.name(), answer, core::rpc::kProtocolVersion,
                               core::version());
      verify::checkNodeTime(*reporter_, node.name(), answer, window);
      verify::checkNodeNetwork(*reporter_, node.name(), answer);
      checkInstanceList(node, answer);
    }
  }

  // EINSTANCEWRONGNODE: a known instance running where it is not primary.
  void checkInstanceList(const GroupNode& node, const json& answer) {
    const json list = answer.value("instancelist", json());
    if (!list.is_array()) {
      reporter_->error("ENODEHV", node.name(),
                       "rpc call to node failed (instancelist): " +
                           (list.is_string() ? list.get<std::string>() : list.dump()));
      return;
    }
    for (const auto& name : list) {
      const std::string uuid = instanceUuidByName(doc_, name.get<std::string>());
      if (uuid.empty()) continue;  // Ganeti 3.x cannot report these either
      if (doc_["instances"][uuid].value("primary_node", "") != node.uuid) {
        reporter_->error("EINSTANCEWRONGNODE", name.get<std::string>(),
                         "instance should not run on node " + node.name());
      }
    }
  }

  // Per instance with its primary in this group, in Ganeti's order.
  void verifyInstances(const std::vector<core::rpc::NodeReply>& replies) {
    const bool verbose = op.has("verbose") && op.get("verbose").get<bool>();
    std::map<std::string, std::size_t> indexOf;
    for (std::size_t i = 0; i < nodes_.size(); ++i) indexOf[nodes_[i].uuid] = i;
    std::vector<std::pair<std::string, json>> instances;
    for (const auto& [uuid, inst] : core::cluster::objectMember(doc_, "instances").items()) {
      if (indexOf.count(inst.value("primary_node", ""))) instances.push_back({uuid, inst});
    }
    std::sort(instances.begin(), instances.end(), [](const auto& a, const auto& b) {
      return core::query::naturalLess(a.second.value("name", ""), b.second.value("name", ""));
    });
    for (const auto& [uuid, inst] : instances) {
      const std::string name = inst.value("name", "");
      if (verbose) feedback.message("* Verifying instance " + name);
      if (inst.value("admin_state", "down") != "up") continue;
      const GroupNode& primary = nodes_[indexOf[inst.value("primary_node", "")]];
      if (primary.offline()) {
        reporter_->error("EINSTANCEBADNODE", name,
                         "instance is marked as running and lives on offline node " +
                             primary.name());
        continue;
      }
      const auto& reply = replies[indexOf[primary.uuid]];
      const json list = reply.ok ? reply.result.value("instancelist", json()) : json();
      const bool running = list.is_array() &&
                           std::find(list.begin(), list.end(), name) != list.end();
      if (!running) {
        reporter_->error("EINSTANCEDOWN", name,
                         "instance not running on its primary node " + primary.name());
      }
    }
  }

  std::string role(const GroupNode& node) const {
    if (node.uuid == masterUuid_) return "master";
    if (node.object.value("master_candidate", false)) return "master candidate";
    if (node.object.value("drained", false)) return "drained";
    return "regular";
  }

  void otherNotes() {
    int nonRedundant = 0, notBalanced = 0, offlineInstances = 0;
    std::set<std::string> groupNodes;
    for (const auto& node : nodes_) groupNodes.insert(node.uuid);
    for (const auto& [uuid, inst] : core::cluster::objectMember(doc_, "instances").items()) {
      if (!groupNodes.count(inst.value("primary_node", ""))) continue;
      bool mirrored = true;
      for (const auto& disk : inst.value("disks", json::array())) {
        const std::string type = doc_.value("disks", json::object())
                                     .value(disk.get<std::string>(), json::object())
                                     .value("dev_type", "");
        static const std::set<std::string> kMirrored = {
            "drbd", "diskless", "blockdev", "ext", "sharedfile", "rbd", "gluster"};
        if (!kMirrored.count(type)) mirrored = false;
      }
      if (!mirrored) ++nonRedundant;
      if (!filledBeparams(doc_, inst).value("auto_balance", true)) ++notBalanced;
      if (inst.value("admin_state", "down") == "offline") ++offlineInstances;
    }
    for (const auto& [count, what] : {std::pair{nonRedundant, "non-redundant instance(s)"},
                                      std::pair{notBalanced, "non-auto-balanced instance(s)"},
                                      std::pair{offlineInstances, "offline instance(s)"}}) {
      if (count > 0) {
        feedback.message("  - NOTICE: " + std::to_string(count) + " " + what + " found.");
      }
    }
    int offline = 0, drained = 0;
    for (const auto& node : nodes_) {
      if (node.offline()) ++offline;
      if (node.object.value("drained", false) && !candidate(node)) ++drained;
    }
    if (offline > 0) {
      feedback.message("  - NOTICE: " + std::to_string(offline) + " offline node(s) found.");
    }
    if (drained > 0) {
      feedback.message("  - NOTICE: " + std::to_string(drained) + " drained node(s) found.");
    }
  }

  json doc_;
  std::string groupUuid_, groupName_, masterUuid_;
  std::vector<GroupNode> nodes_;
  bool outsideNodes_ = false;
  std::unique_ptr<verify::Reporter> reporter_;
};

}  // namespace

void registerClusterVerifyGroup() {
  registerLogicalUnit("OP_CLUSTER_VERIFY_GROUP", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuClusterVerifyGroup>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
