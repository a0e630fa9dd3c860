// node_verify: what cluster verify asks of every node (Ganeti's
// backend.VerifyNode, the parts this cluster has): checksums of the
// replicated files, the network test, the protocol version and the time.
//
// The network test goes beyond Ganeti on purpose: each peer is tried on
// its primary AND on its secondary address independently, so a broken
// secondary network alone is found too.
#include <chrono>

#include <nlohmann/json.hpp>

#include "core/cluster/file_digest.h"
#include "core/cluster/tcp_ping.h"
#include "core/rpc/node_files.h"
#include "core/plugins/registry.h"
#include "core/version.h"
#include "daemon/node/node_context.h"
#include "gantry/sdk/hypervisor.h"

namespace gantry::daemon::node {
namespace {

using core::rpc::ArgType;
using core::rpc::CallContext;
using nlohmann::json;

constexpr std::chrono::milliseconds kTcpPingTimeout{2000};

// Only files of the data dir the master keeps in step can be asked for.
std::optional<std::filesystem::path> replicatedFile(const NodeContext& node,
                                                    const std::string& name) {
  constexpr std::string_view kSsconf = "ssconf_";
  auto path = name.rfind(kSsconf, 0) == 0
                  ? core::rpc::ssconfFilePath(node.paths.dataDir, name.substr(kSsconf.size()))
                  : core::rpc::uploadFilePath(node.paths.dataDir, name);
  if (!path) return std::nullopt;
  return *path;
}

json fileChecksums(const NodeContext& node, const json& names) {
  json out = json::object();
  for (const auto& entry : names) {
    if (!entry.is_string()) continue;
    const std::string name = entry.get<std::string>();
    auto path = replicatedFile(node, name);
    if (!path) continue;
    if (auto digest = core::cluster::fileSha1(*path)) out[name] = *digest;
  }
  return out;
}

// {peer name: failure text} for the peers that failed.
json netTest(const NodeContext& node, const json& request) {
  const json nodes = request.value("nodes", json::array());
  std::string myName, myPrimary, mySecondary;
  for (const auto& n : nodes) {
    if (n.is_array() && n.size() >= 3 && n[1] == node.primaryAddress) {
      myName = n[0].get<std::string>();
      myPrimary = n[1].get<std::string>();
      mySecondary = n[2].get<std::string>();
    }
  }
  json failures = json::object();
  if (myName.empty()) {
    failures[node.primaryAddress] = "Can't find my own primary/secondary IP in the node list";
    return failures;
  }
  for (const auto& n : nodes) {
    if (!n.is_array() || n.size() < 4) continue;
    const std::string name = n[0].get<std::string>();
    const std::string primary = n[1].get<std::string>();
    const std::string secondary = n[2].get<std::string>();
    const auto port = static_cast<std::uint16_t>(n[3].get<int>());
    const bool primaryOk = core::cluster::tcpPing(myPrimary, primary, port, kTcpPingTimeout);
    const bool secondaryOk = secondary == primary || mySecondary == myPrimary ||
                             core::cluster::tcpPing(mySecondary, secondary, port, kTcpPingTimeout);
    if (!primaryOk && !secondaryOk) {
      failures[name] = "failure using the primary and secondary interface(s)";
    } else if (!primaryOk) {
      failures[name] = "failure using the primary interface(s)";
    } else if (!secondaryOk) {
      failures[name] = "failure using the secondary interface(s)";
    }
  }
  return failures;
}

// Ganeti's NV_INSTANCELIST: the names running here under the hypervisors
// asked for; an error text instead of the list when one cannot say.
json instanceList(const NodeContext& node, const json& hypervisors) {
  json names = json::array();
  for (const auto& hvName : hypervisors) {
    if (!hvName.is_string()) continue;
    auto hv = node.registry->get<sdk::Hypervisor>(hvName.get<std::string>());
    if (!hv) return hv.error().message;
    auto running = (*hv)->listInstances();
    if (!running) return running.error().message;
    for (const auto& name : *running) names.push_back(name);
  }
  return names;
}

json nodeVerify(const NodeContext& node, const json& checks) {
  json out = json::object();
  if (checks.contains("filelist")) out["filelist"] = fileChecksums(node, checks["filelist"]);
  if (checks.contains("node-net-test")) out["node-net-test"] = netTest(node, checks["node-net-test"]);
  if (checks.contains("version")) out["version"] = {node.protocolVersion, core::version()};
  if (checks.contains("instancelist")) out["instancelist"] = instanceList(node, checks["instancelist"]);
  if (checks.contains("time")) {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const auto usec = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
    out["time"] = {usec / 1000000, usec % 1000000};
  }
  return out;
}

}  // namespace

void addVerifyProcedure(core::rpc::ProcedureTable& table, NodeContext& node) {
  table.add({"node_verify",
             {{"checks", ArgType::kObject, true}},
             [&node](const json& args, const CallContext&) -> sdk::Result<json> {
               return nodeVerify(node, args.at("checks"));
             }});
}

}  // namespace gantry::daemon::node
