#include "daemon/master/cluster/config_push.h"

#include <map>
#include <mutex>
#include <set>

#include "core/cluster/json_access.h"
#include "core/cluster/node_keys.h"
#include "core/cluster/ssconf.h"
#include "core/config/store.h"
#include "core/rpc/keys.h"
#include "core/rpc/small_file.h"
#include "core/util/json_fast_dump.h"
#include "daemon/master/cluster/node_rpc.h"

namespace gantry::daemon::master {
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// What a candidate needs to act as master after a failover: the cluster's
// secret key and the node keys the master accepted (upload_file names).
std::vector<std::pair<std::string, std::string>> masterSecrets(const fs::path& dataDir) {
  std::vector<std::pair<std::string, std::string>> files;
  constexpr std::size_t kLimit = 64 * 1024;
  const fs::path key = core::rpc::secretKeyFile(dataDir, core::rpc::kClusterKeyName);
  if (auto text = core::rpc::readSmallFile(key, kLimit)) {
    files.emplace_back(key.filename().string(), *text);
  }
  std::error_code ec;
  for (fs::directory_iterator it(core::cluster::nodeKeysDir(dataDir), ec), end;
       !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".json") continue;
    if (auto text = core::rpc::readSmallFile(it->path(), kLimit)) {
      files.emplace_back("node-keys/" + it->path().filename().string(), *text);
    }
  }
  return files;
}

// Secrets each candidate already holds (name -> content per node): they
// are sent again only when they change or the node was not reached, not
// with every config change.
class SentSecrets {
 public:
  bool needs(const std::string& node, const std::string& name, const std::string& data) {
    std::lock_guard lk(mu_);
    auto it = sent_[node].find(name);
    return it == sent_[node].end() || it->second != data;
  }
  void sent(const std::string& node, const std::string& name, const std::string& data) {
    std::lock_guard lk(mu_);
    sent_[node][name] = data;
  }
  /// Forgets nodes no longer candidates: if they come back (readded,
  /// reinstalled) they get everything again.
  void keepOnly(const std::set<std::string>& nodes) {
    std::lock_guard lk(mu_);
    std::erase_if(sent_, [&](const auto& entry) { return nodes.count(entry.first) == 0; });
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::map<std::string, std::string>> sent_;
};

SentSecrets& sentSecrets() {
  static SentSecrets secrets;
  return secrets;
}

}  // namespace

std::vector<std::string> distributeConfig(MasterServices& services) {
  std::vector<std::string> warnings;
  if (services.config == nullptr) return warnings;
  // What distribution needs, read under the store's lock rather than from a
  // copy of the document: a commit would otherwise cost one more copy of a
  // large cluster's config.
  std::string masterUuid, configText;
  core::cluster::SsconfValues values;
  json nodes;
  services.config->read([&](const json& doc) {
    masterUuid = doc.value("/cluster/master_node"_json_pointer, "");
    values = core::cluster::computeSsconf(doc);
    configText = core::util::dumpJsonFast(doc);
    nodes = core::cluster::objectMember(doc, "nodes");
  });
  if (auto written = core::cluster::writeSsconfFiles(services.paths.dataDir, values); !written) {
    warnings.push_back("Can't write the master's ssconf files: " + written.error().message);
  }
  std::vector<core::rpc::NodeTarget> candidates, online;
  for (const auto& [uuid, node] : nodes.items()) {
    if (uuid == masterUuid || node.value("offline", false)) continue;
    auto target = nodeTarget(services, node);
    online.push_back(target);
    if (node.value("master_candidate", false)) candidates.push_back(target);
  }
  {
    std::set<std::string> names;
    for (const auto& t : candidates) names.insert(t.name);
    sentSecrets().keepOnly(names);
  }
  if (!candidates.empty()) {
    const json args = {{"name", "config.data"}, {"data", std::move(configText)}, {"mode", 0640}};
    std::set<std::string> failed;
    for (const auto& reply : callNodes(services, candidates, "upload_file", args)) {
      if (!reply.ok && !reply.offline) {
        failed.insert(reply.node);
        warnings.push_back("Can't distribute the configuration to master candidate " +
                           reply.node + ": " + reply.msg);
      }
    }
    std::vector<core::rpc::NodeTarget> reachable;
    for (const auto& t : candidates) {
      if (!failed.count(t.name)) reachable.push_back(t);
    }
    for (const auto& [name, data] : masterSecrets(services.paths.dataDir)) {
      std::vector<core::rpc::NodeTarget> needing;
      for (const auto& t : reachable) {
        if (sentSecrets().needs(t.name, name, data)) needing.push_back(t);
      }
      if (needing.empty()) continue;
      const json upload = {{"name", name}, {"data", data}, {"mode", 0600}};
      for (const auto& reply : callNodes(services, needing, "upload_file", upload)) {
        if (reply.ok) sentSecrets().sent(reply.node, name, data);
        if (!reply.ok && !reply.offline) {
          services.log(sdk::LogLevel::kWarning, "Can't copy " + name +
                                                    " to master candidate " + reply.node +
                                                    ": " + reply.msg);
        }
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
