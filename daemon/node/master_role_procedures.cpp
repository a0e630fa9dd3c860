// What a master failover asks of the nodes. node_stop_master: the old
// master steps down (Ganeti's node_stop_master): its master daemon, found
// by its pid file, is sent SIGTERM; a node without one has nothing to do.
// config_serial: the serial_no of the node's copy of config.data (null
// without one), so the new master can tell whether a candidate holds a
// newer config than its own.
#include <signal.h>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "daemon/node/node_context.h"

namespace gantry::daemon::node {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using sdk::Error;
using sdk::ErrorCode;

// Only a process that is this root's gantry-masterd is signalled.
bool isMasterDaemon(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
  const std::string cmdline((std::istreambuf_iterator<char>(in)), {});
  return cmdline.find("gantry-masterd") != std::string::npos;
}

sdk::Result<json> stopMaster(NodeContext& node) {
  const fs::path pidFile = node.paths.runDir / "gantry-masterd.pid";
  std::ifstream in(pidFile);
  long pid = 0;
  if (!(in >> pid) || pid <= 1 || !isMasterDaemon(static_cast<pid_t>(pid))) {
    return json(nullptr);
  }
  if (::kill(static_cast<pid_t>(pid), SIGTERM) != 0) {
    return Error{ErrorCode::kEnvironment,
                 "Cannot stop the master daemon (pid " + std::to_string(pid) + ")"};
  }
  node.logger->warning("Master role given up: sent SIGTERM to gantry-masterd pid " +
                       std::to_string(pid));
  return json(nullptr);
}

sdk::Result<json> configSerial(const NodeContext& node) {
  std::ifstream in(node.paths.dataDir / "config.data");
  if (!in) return json(nullptr);
  const json doc = json::parse(in, nullptr, false);
  if (doc.is_discarded() || !doc.contains("serial_no")) {
    return Error{ErrorCode::kInvalid, "The node's config.data is not a valid configuration"};
  }
  return doc["serial_no"];
}

}  // namespace

void addStopMasterProcedure(core::rpc::ProcedureTable& table, NodeContext& node) {
  table.add({"node_stop_master", {},
             [&node](const json&, const core::rpc::CallContext&) { return stopMaster(node); }});
  table.add({"config_serial", {},
             [&node](const json&, const core::rpc::CallContext&) { return configSerial(node); }});
}

}  // namespace gantry::daemon::node
