// gnt-node add: accepts the new node's daemon, then OP_NODE_ADD.
//
// The master calls a node only with a CURVE key it has accepted. For a node
// it does not know yet the operator gives that key (--node-key, printed by
// `gantry-noded --print-public-key` or `--create-join-token` on the node)
// and confirms it: by its fingerprint (--fingerprint, or asked on the
// terminal as ssh asks for a host key), or by giving the one-time join token
// printed with it (scripts). The join call then proves both sides: the
// CURVE handshake succeeds only if the daemon holds the key's secret half,
// and the daemon accepts the cluster key only with its token. A readd of a
// node whose key is known needs none of this.
#include <iostream>

#include "cli/common/confirm.h"
#include "cli/common/key_values.h"
#include "cli/gnt-node/commands.h"
#include "core/cluster/hosts_file.h"
#include "core/cluster/identity.h"
#include "core/cluster/node_keys.h"
#include "core/luxi/errors.h"
#include "core/plugins/daemon_host.h"
#include "core/rpc/client.h"
#include "core/rpc/keys.h"

namespace gantry::cli::node {
namespace fs = std::filesystem;
using core::luxi::Json;

namespace {

[[noreturn]] void fail(const std::string& message, const char* ecode = "wrong_input") {
  throw core::luxi::opPrereqError(message, ecode);
}

std::uint16_t rpcPort(const Invocation& inv, const fs::path& root) {
  if (auto text = inv.options.value("rpc_port")) {
    try {
      const int port = std::stoi(*text);
      if (port > 0 && port < 65536) return static_cast<std::uint16_t>(port);
    } catch (const std::exception&) {
    }
    throw UsageError{"option --rpc-port: invalid port: '" + *text + "'"};
  }
  auto self = core::cluster::loadIdentity(root);
  return self ? self->rpcPort : core::cluster::kDefaultRpcPort;
}

// Confirms and proves the node's key; records it for the master.
void acceptNode(const Invocation& inv, const fs::path& root, const std::string& name,
                const std::string& ip) {
  const auto& o = inv.options;
  const auto key = o.value("node_key");
  if (!key) {
    fail("Node " + name +
             " has not been accepted: give the public key of its daemon with --node-key "
             "(gantry-noded --print-public-key on that node) and confirm it with "
             "--fingerprint or a one-time --join-token (gantry-noded --create-join-token)",
         "wrong_state");
  }
  auto fingerprint = core::rpc::curveKeyFingerprint(*key);
  if (!fingerprint) fail("Invalid node key: " + fingerprint.error().message);
  if (auto expected = o.value("fingerprint")) {
    if (*expected != *fingerprint) {
      fail("The key of node " + name + " has fingerprint " + *fingerprint + ", not " +
               *expected + "; not accepted",
           "environment_error");
    }
  } else if (!o.value("join_token")) {
    const std::string question = "The authenticity of node '" + name + " (" + ip +
                                 ")' can't be established.\nCURVE key fingerprint is " +
                                 *fingerprint +
                                 ".\nAre you sure you want to continue connecting?";
    if (!askYesNo(question)) fail("Node " + name + " was not accepted", "wrong_state");
  }

  const auto paths = core::plugins::hostPathsForRoot(root);
  auto clusterKeys = core::rpc::loadKeyPair(paths.dataDir, core::rpc::kClusterKeyName);
  if (!clusterKeys) {
    fail("Cannot read the cluster key (run this on the master): " +
             clusterKeys.error().message,
         "environment_error");
  }
  core::rpc::ClientOptions options;
  options.clientKeys = *clusterKeys;
  options.timeout = std::chrono::seconds(10);
  core::rpc::RpcClient rpc(options);
  core::rpc::NodeTarget target{name, ip, rpcPort(inv, root), *key, false};
  core::rpc::NodeReply reply;
  if (auto token = o.value("join_token")) {
    reply = rpc.call(target, "join",
                     {{"token", *token}, {"cluster_public_key", clusterKeys->publicKey}});
    if (reply.ok && reply.result.value("fingerprint", "") != *fingerprint) {
      fail("Node " + name + " answered with another key fingerprint", "environment_error");
    }
  } else {
    // A daemon that already trusts this cluster (a rejoin).
    reply = rpc.call(target, "version", nlohmann::json::object(), std::chrono::seconds(5));
  }
  if (!reply.ok) {
    fail("Node " + name + " did not prove its key: " + reply.msg +
             (o.value("join_token") ? "" : " (a node that has not joined needs --join-token)"),
         "environment_error");
  }
  if (auto saved = core::cluster::saveAcceptedNode(paths.dataDir, name, {*key, target.port});
      !saved) {
    fail(saved.error().message, "environment_error");
  }
}

}  // namespace

int add(const Invocation& inv) {
  const auto& o = inv.options;
  const std::string name = o.args.at(0);
  const bool readd = o.flag("readd");
  const fs::path root = rootDir();
  auto client = connectMaster();
  const auto names = clusterNodeNames(client);
  const bool known = std::find(names.begin(), names.end(), name) != names.end();
  if (readd && !known) {
    std::cerr << "Node " << name << " not in the cluster - please retry without '--readd'\n";
    return 1;
  }
  if (!readd && known) {
    std::cerr << "Node " << name << " already in the cluster (as " << name
              << ") - please retry with '--readd'\n";
    return 1;
  }
  if (readd && client.queryConfigValues({"master_node"}).at(0) == name) {
    std::cerr << "Node " << name << " is the master, cannot readd\n";
    return 1;
  }
  auto ip = core::cluster::resolveHost(root, name);
  if (!ip) throw core::luxi::EncodedError("ResolverError", Json::array({name, name, 0}));

  const auto paths = core::plugins::hostPathsForRoot(root);
  const bool haveKey = static_cast<bool>(core::cluster::loadAcceptedNode(paths.dataDir, name));
  if (!haveKey || o.value("node_key")) acceptNode(inv, root, name, *ip);

  Json op = {{"OP_ID", "OP_NODE_ADD"}, {"node_name", name}, {"primary_ip", *ip},
             {"readd", readd}};
  if (auto sip = o.value("secondary_ip")) {
    op["secondary_ip"] = *sip;
  } else if (readd) {
    // A readded node keeps its secondary address unless told otherwise.
    const Json result =
        client.query("node", {"sip"}, Json::array({"=", "name", name}));
    if (!result.at("data").empty()) op["secondary_ip"] = result["data"][0][0][1];
  }
  if (auto group = o.value("group")) op["group"] = *group;
  for (const char* flag : {"master_capable", "vm_capable"}) {
    if (auto v = o.value(flag)) op[flag] = parseYesNo(*v);
  }
  if (auto nd = o.value("ndparams")) op["ndparams"] = Json(parseKeyValues(*nd, {}));
  submitAndWait(client, Json::array({op}), inv, std::cout);
  return 0;
}

}  // namespace gantry::cli::node
