// OP_NODE_ADD: adds a node (or readds a known one) whose daemon the
// operator accepted beforehand (`gnt-node add` records its key after the
// join), hands it the cluster's secrets and the config, and makes it a
// master candidate while the pool has room.
#include <set>

#include "core/cluster/json_access.h"
#include "core/cluster/bootstrap.h"
#include "core/cluster/candidates.h"
#include "core/cluster/hosts_file.h"
#include "core/cluster/node_keys.h"
#include "core/config/store.h"
#include "core/locking/lock_manager.h"
#include "core/rpc/protocol.h"
#include "core/rpc/small_file.h"
#include "daemon/master/cluster/config_helpers.h"
#include "daemon/master/cluster/config_push.h"
#include "daemon/master/cluster/node_rpc.h"
#include "daemon/master/lu/logical_unit.h"

namespace gantry::daemon::master {
namespace {
using core::config::jsonPointer;
using core::config::StoreOp;
using nlohmann::json;

// Secrets every node keeps (0600); created by `gnt-cluster init`.
const char* const kNodeSecrets[] = {"hmac.key", "cluster-domain-secret"};

class LuNodeAdd : public LogicalUnit {
 public:
  using LogicalUnit::LogicalUnit;

  std::string hooksPath() const override { return "node-add"; }
  std::map<std::string, std::string> hooksEnv() const override {
    return {{"OP_TARGET", name_}, {"NODE_NAME", name_}, {"NODE_PIP", primaryIp_},
            {"NODE_SIP", secondaryIp_}};
  }

  void checkPrereq() override {
    if (services.config == nullptr) throw PrereqError("The cluster is not initialized");
    doc_ = services.config->get("");
    name_ = op.getString("node_name");
    readd_ = op.getBool("readd");
    const std::string masterUuid = doc_.value("/cluster/master_node"_json_pointer, "");
    if (auto ip = op.optString("primary_ip")) {
      primaryIp_ = *ip;
    } else {
      auto resolved = core::cluster::resolveHost(services.paths.root, name_);
      if (!resolved) throw PrereqError(resolved.error().message, sdk::ErrorCode::kNotFound);
      primaryIp_ = *resolved;
    }
    secondaryIp_ = op.optString("secondary_ip").value_or(primaryIp_);

    for (const auto& [uuid, node] : doc_.at("nodes").items()) {
      if (node.value("name", "") == name_) existing_ = uuid;
    }
    if (!readd_ && !existing_.empty()) {
      throw PrereqError("Node " + name_ + " is already in the configuration",
                        sdk::ErrorCode::kExists);
    }
    if (readd_ && existing_.empty()) {
      throw PrereqError("Node " + name_ + " is not in the configuration",
                        sdk::ErrorCode::kNotFound);
    }
    if (readd_ && existing_ == masterUuid) {
      throw PrereqError("Cannot readd the master node", sdk::ErrorCode::kState);
    }
    for (const auto& [uuid, node] : doc_.at("nodes").items()) {
      const std::string pip = node.value("primary_ip", "");
      const std::string sip = node.value("secondary_ip", "");
      if (uuid == existing_) {
        if (sip != secondaryIp_) {
          throw PrereqError("Readded node doesn't have the same IP address configuration "
                            "as before");
        }
        continue;
      }
      if (pip == primaryIp_ || sip == primaryIp_ || pip == secondaryIp_ ||
          sip == secondaryIp_) {
        throw PrereqError("New node ip address(es) conflict with existing node " +
                              node.value("name", uuid),
                          sdk::ErrorCode::kExists);
      }
    }
    const json master = doc_.at("nodes").value(masterUuid, json::object());
    const bool masterSingle = master.value("primary_ip", "") == master.value("secondary_ip", "");
    const bool newSingle = primaryIp_ == secondaryIp_;
    if (masterSingle != newSingle) {
      throw PrereqError(masterSingle ? "The master has no secondary ip but the new node has one"
                                     : "The master has a secondary ip but the new node doesn't "
                                       "have one");
    }

    // The daemon must be one the operator accepted: its key is known.
    auto accepted = core::cluster::loadAcceptedNode(services.paths.dataDir, name_);
    if (!accepted) {
      throw PrereqError(accepted.error().message +
                            "; accept its daemon first: gnt-node add with its fingerprint "
                            "confirmed (--node-key, --fingerprint) or a join token",
                        sdk::ErrorCode::kState);
    }
    target_.name = name_;
    target_.address = primaryIp_;
    target_.port = accepted->port;
    target_.serverKey = accepted->publicKey;
    // A joining daemon may have restarted since this master last spoke to it.
    if (services.rpc != nullptr) services.rpc->forget(target_);
    auto reply = callNode(services, target_, "version", json::object(), std::chrono::seconds(5));
    if (!reply.ok) {
      throw PrereqError("Can't get version information from node " + name_ + ": " + reply.msg,
                        sdk::ErrorCode::kEnvironment);
    }
    const auto protocol = reply.result.value("protocol", json(nullptr));
    if (protocol != json(core::rpc::kProtocolVersion)) {
      throw PrereqError("Version mismatch master version " +
                            std::to_string(core::rpc::kProtocolVersion) +
                            ", node version " + protocol.dump(),
                        sdk::ErrorCode::kEnvironment);
    }
    std::set<std::string> exceptions;
    if (readd_) exceptions.insert(existing_);
    const bool masterCapable =
        op.optBool("master_capable")
            .value_or(readd_ ? doc_.at("nodes").at(existing_).value("master_capable", true)
                             : true);
    candidate_ = masterCapable && core::cluster::shouldPromoteNewNode(doc_, exceptions);
  }

  json exec() override {
    const double now = nowSeconds();
    json node;
    std::string uuid;
    if (readd_) {
      uuid = existing_;
      node = doc_.at("nodes").at(uuid);
      node["offline"] = false;
      node["drained"] = false;
      feedback.info("Readding a node, the offline/drained flags were reset");
      node["primary_ip"] = primaryIp_;
      node["serial_no"] = node.value("serial_no", 0) + 1;
    } else {
      uuid = core::cluster::newUuid();
      node = {{"name", name_},         {"primary_ip", primaryIp_},
              {"secondary_ip", secondaryIp_}, {"group", defaultGroup()},
              {"offline", false},      {"drained", false},
              {"ndparams", json::object()}, {"hv_state_static", json::object()},
              {"disk_state_static", json::object()}, {"tags", json::array()},
              {"uuid", uuid},          {"serial_no", 1},
              {"ctime", now}};
    }
    node["master_candidate"] = candidate_;
    node["powered"] = true;
    for (const char* flag : {"master_capable", "vm_capable"}) {
      if (auto value = op.optBool(flag)) {
        node[flag] = *value;
      } else if (!node.contains(flag)) {
        node[flag] = true;
      }
    }
    if (op.has("ndparams") && !op.get("ndparams").empty()) node["ndparams"] = op.get("ndparams");
    node["mtime"] = now;
    if (candidate_) feedback.info("Node will be a master candidate");

    uploadSecrets();
    core::config::StoreChange change = {StoreOp::put(jsonPointer({"nodes", uuid}), node)};
    bumpCluster(doc_, change, now);
    commitAndDistribute(services, change, feedback);
    if (!readd_ && services.locks != nullptr) {
      // Later opcodes lock the node by name.
      const std::string owner = "node-add:" + name_;
      for (auto level : {core::locking::Level::kNode, core::locking::Level::kNodeRes}) {
        services.locks->add(owner, level, {name_});
      }
    }
    return nullptr;
  }

 private:
  std::string defaultGroup() const {
    const std::string wanted = op.optString("group").value_or("");
    for (const auto& [uuid, group] : core::cluster::objectMember(doc_, "nodegroups").items()) {
      if (wanted.empty() || group.value("name", "") == wanted || uuid == wanted) return uuid;
    }
    throw ExecError("Node group '" + wanted + "' not found");
  }

  void uploadSecrets() {
    for (const char* name : kNodeSecrets) {
      auto data = core::rpc::readSmallFile(services.paths.dataDir / name, 64 * 1024);
      if (!data) continue;  // a cluster without this secret
      auto reply = callNode(services, target_, "upload_file",
                            {{"name", name}, {"data", *data}, {"mode", 0600}});
      if (!reply.ok) {
        throw ExecError("Can't copy the cluster's " + std::string(name) + " to node " + name_ +
                        ": " + reply.msg);
      }
    }
  }

  json doc_;
  std::string name_;
  std::string primaryIp_;
  std::string secondaryIp_;
  std::string existing_;
  bool readd_ = false;
  bool candidate_ = false;
  core::rpc::NodeTarget target_;
};

}  // namespace

void registerNodeAdd() {
  registerLogicalUnit("OP_NODE_ADD", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuNodeAdd>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
