#include "daemon/master/cluster/config_push.h"

#include "core/cluster/json_access.h"
#include "core/cluster/ssconf.h"
#include "core/config/store.h"
#include "daemon/master/cluster/node_rpc.h"

namespace gantry::daemon::master {
using nlohmann::json;

std::vector<std::string> distributeConfig(MasterServices& services) {
  std::vector<std::string> warnings;
  if (services.config == nullptr) return warnings;
  const json doc = services.config->get("");
  const std::string masterUuid = doc.value("/cluster/master_node"_json_pointer, "");
  const auto values = core::cluster::computeSsconf(doc);
  if (auto written = core::cluster::writeSsconfFiles(services.paths.dataDir, values); !written) {
    warnings.push_back("Can't write the master's ssconf files: " + written.error().message);
  }
  std::vector<core::rpc::NodeTarget> candidates, online;
  for (const auto& [uuid, node] : core::cluster::objectMember(doc, "nodes").items()) {
    if (uuid == masterUuid || node.value("offline", false)) continue;
    auto target = nodeTarget(services, node);
    online.push_back(target);
    if (node.value("master_candidate", false)) candidates.push_back(target);
  }
  if (!candidates.empty()) {
    const json args = {{"name", "config.data"}, {"data", doc.dump()}, {"mode", 0640}};
    for (const auto& reply : callNodes(services, candidates, "upload_file", args)) {
      if (!reply.ok && !reply.offline) {
        warnings.push_back("Can't distribute the configuration to master candidate " +
                           reply.node + ": " + reply.msg);
      }
    }
  }
  if (!online.empty()) {
    json ssconf = json::object();
    for (const auto& [key, value] : values) ssconf[key] = value;
    for (const auto& reply :
         callNodes(services, online, "write_ssconf_files", {{"values", ssconf}})) {
      if (!reply.ok && !reply.offline) {
        warnings.push_back("Can't write ssconf files on node " + reply.node + ": " + reply.msg);
      }
    }
  }
  for (const auto& w : warnings) services.log(sdk::LogLevel::kWarning, w);
  return warnings;
}

std::int64_t commitAndDistribute(MasterServices& services,
                                 const core::config::StoreChange& change, Feedback& feedback) {
  const std::int64_t serial = services.config->commit(change);
  for (const auto& warning : distributeConfig(services)) feedback.warning(warning);
  return serial;
}

}  // namespace gantry::daemon::master
