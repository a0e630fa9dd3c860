// demote_from_mc: a node leaving the master-candidate pool backs up its
// copy of config.data and removes it (Ganeti's node_demote_from_mc), so a
// stale copy cannot be taken for the cluster's config later. The master
// never calls it on itself; a node whose ssconf names it master refuses.
#include <chrono>
#include <ctime>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/rpc/secrets.h"
#include "daemon/node/node_context.h"

namespace gantry::daemon::node {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using sdk::Error;
using sdk::ErrorCode;

sdk::Result<json> demote(NodeContext& node) {
  const fs::path config = node.paths.dataDir / "config.data";
  if (fs::exists(node.paths.runDir / "gantry-masterd.pid")) {
    return Error{ErrorCode::kState, "The master daemon is running, will not demote"};
  }
  std::error_code ec;
  if (!fs::exists(config, ec)) return json(nullptr);
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d_%H_%M_%S", &tm);
  auto suffix = core::rpc::randomToken(4);
  const fs::path backup =
      node.paths.dataDir / ("config.data.backup-" + std::string(stamp) + "." +
                            (suffix ? *suffix : std::string("0")));
  fs::rename(config, backup, ec);
  if (ec) {
    return Error{ErrorCode::kEnvironment, "Cannot back up " + config.string() + ": " + ec.message()};
  }
  node.logger->info("Demoted from master candidate; config.data kept as " + backup.string());
  return json(nullptr);
}

}  // namespace

void addDemoteProcedure(core::rpc::ProcedureTable& table, NodeContext& node) {
  table.add({"demote_from_mc", {}, [&node](const json&, const core::rpc::CallContext&) {
               return demote(node);
             }});
}

}  // namespace gantry::daemon::node
