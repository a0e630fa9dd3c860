#include "core/cluster/ssconf.h"

#include <algorithm>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/cluster/json_access.h"
#include "core/query/engine.h"
#include "core/rpc/node_files.h"
#include "core/rpc/small_file.h"
#include "core/util/atomic_file.h"
#include "core/version.h"

namespace gantry::core::cluster {
namespace {
using nlohmann::json;

std::string joinLines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : "\n") + item;
  return out;
}

std::string scalarText(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "True" : "False";
  if (value.is_null()) return "";
  return value.dump();
}

}  // namespace

SsconfValues computeSsconf(const json& config) {
  SsconfValues v;
  const json cluster = config.value("cluster", json::object());
  const json nodes = config.value("nodes", json::object());
  std::vector<const json*> sorted;
  for (const auto& [uuid, node] : nodes.items()) sorted.push_back(&node);
  std::sort(sorted.begin(), sorted.end(), [](const json* a, const json* b) {
    return query::naturalLess(a->value("name", ""), b->value("name", ""));
  });

  std::vector<std::string> names, candidates, candidateIps, primaryIps, secondaryIps,
      vmCapable, online, offline;
  for (const json* node : sorted) {
    const std::string name = node->value("name", "");
    names.push_back(name);
    if (node->value("master_candidate", false)) {
      candidates.push_back(name);
      candidateIps.push_back(node->value("primary_ip", ""));
    }
    primaryIps.push_back(name + " " + node->value("primary_ip", ""));
    secondaryIps.push_back(name + " " + node->value("secondary_ip", ""));
    vmCapable.push_back(name + "=" + (node->value("vm_capable", true) ? "True" : "False"));
    (node->value("offline", false) ? offline : online).push_back(name);
  }
  const std::string masterUuid = cluster.value("master_node", "");
  std::string masterName;
  if (nodes.contains(masterUuid)) masterName = nodes[masterUuid].value("name", "");

  v["cluster_name"] = cluster.value("cluster_name", "");
  v["cluster_tags"] = joinLines(cluster.value("tags", std::vector<std::string>{}));
  v["master_node"] = masterName;
  v["master_ip"] = cluster.value("master_ip", "");
  v["master_netdev"] = cluster.value("master_netdev", "");
  v["master_netmask"] = scalarText(cluster.value("master_netmask", json(32)));
  v["master_candidates"] = joinLines(candidates);
  v["master_candidates_ips"] = joinLines(candidateIps);
  std::vector<std::string> certs;
  for (const auto& [uuid, digest] : objectMember(cluster, "candidate_certs").items()) {
    certs.push_back(uuid + "=" + scalarText(digest));
  }
  v["master_candidates_certs"] = joinLines(certs);
  v["node_list"] = joinLines(names);
  v["node_primary_ips"] = joinLines(primaryIps);
  v["node_secondary_ips"] = joinLines(secondaryIps);
  v["node_vm_capable"] = joinLines(vmCapable);
  v["online_nodes"] = joinLines(online);
  v["offline_nodes"] = joinLines(offline);
  std::vector<std::string> instances;
  for (const auto& [uuid, inst] : objectMember(config, "instances").items()) {
    instances.push_back(inst.value("name", uuid));
  }
  std::sort(instances.begin(), instances.end(),
            [](const auto& a, const auto& b) { return query::naturalLess(a, b); });
  v["instance_list"] = joinLines(instances);
  v["primary_ip_family"] = scalarText(cluster.value("primary_ip_family", json(2)));
  v["release_version"] = version();
  v["hypervisor_list"] =
      joinLines(cluster.value("enabled_hypervisors", std::vector<std::string>{}));
  const json hvparams = cluster.value("hvparams", json::object());
  for (const auto& [hv, params] : hvparams.items()) {
    std::vector<std::string> lines;
    for (const auto& [key, value] : params.items()) lines.push_back(key + "=" + scalarText(value));
    v["hvparams_" + hv] = joinLines(lines);
  }
  v["maintain_node_health"] = scalarText(cluster.value("maintain_node_health", false));
  v["enabled_user_shutdown"] = scalarText(cluster.value("enabled_user_shutdown", false));
  std::vector<std::string> groups, networks;
  for (const auto& [uuid, group] : objectMember(config, "nodegroups").items()) {
    groups.push_back(uuid + " " + group.value("name", ""));
  }
  for (const auto& [uuid, net] : objectMember(config, "networks").items()) {
    networks.push_back(uuid + " " + net.value("name", ""));
  }
  v["nodegroups"] = joinLines(groups);
  v["networks"] = joinLines(networks);
  v["file_storage_dir"] = cluster.value("file_storage_dir", "");
  v["shared_file_storage_dir"] = cluster.value("shared_file_storage_dir", "");
  v["gluster_storage_dir"] = cluster.value("gluster_storage_dir", "");
  return v;
}

sdk::Result<void> writeSsconfFiles(const std::filesystem::path& dataDir,
                                   const SsconfValues& values) {
  for (const auto& [key, value] : values) {
    auto path = rpc::ssconfFilePath(dataDir, key);
    if (!path) return std::move(path).error();
    std::string content = value;
    if (!content.empty() && content.back() != '\n') content += "\n";
    // Unchanged files are left alone: a rewrite costs two syncs.
    if (auto current = rpc::readSmallFile(*path, content.size() + 1);
        current && *current == content) {
      continue;
    }
    try {
      util::atomicWriteFile(*path, content, rpc::kSsconfFileMode);
    } catch (const std::exception& e) {
      return sdk::Error{sdk::ErrorCode::kEnvironment, e.what()};
    }
  }
  return {};
}

}  // namespace gantry::core::cluster
