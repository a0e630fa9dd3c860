// gnt-cluster info: QueryClusterInfo in Ganeti's layout (ShowClusterConfig).
#include <ctime>
#include <iostream>

#include "cli/common/generic_info.h"
#include "cli/gnt-cluster/commands.h"

namespace gantry::cli::cluster {
namespace {
using core::luxi::Json;

std::string formatTime(const Json& value) {
  if (!value.is_number()) return "N/A";
  const std::time_t sec = static_cast<std::time_t>(value.get<double>());
  std::tm tm{};
  localtime_r(&sec, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string commaJoin(const Json& list) {
  std::string out;
  if (!list.is_array()) return out;
  for (const auto& item : list) {
    out += (out.empty() ? "" : ", ") + (item.is_string() ? item.get<std::string>() : item.dump());
  }
  return out;
}

// _FormatGroupedParams: nested dicts sorted, leaves as text.
Json grouped(const Json& params) {
  Json out = Json::object();
  if (!params.is_object()) return out;
  const Json sorted = sortedObject(params);
  for (const auto& [key, value] : sorted.items()) {
    if (value.is_object()) {
      out[key] = grouped(value);
    } else if (value.is_string()) {
      out[key] = value;
    } else if (value.is_boolean()) {
      out[key] = value.get<bool>() ? "True" : "False";
    } else if (value.is_null()) {
      out[key] = "None";
    } else {
      out[key] = value.dump();
    }
  }
  return out;
}

Json orNone(const Json& value) { return value.is_null() ? Json("None") : value; }

}  // namespace

int info(const Invocation&) {
  auto client = connectMaster();
  const Json r = client.queryClusterInfo();
  Json hvparams = Json::object();
  for (const auto& hv : r.value("enabled_hypervisors", Json::array())) {
    const std::string name = hv.get<std::string>();
    if (r.contains("hvparams") && r["hvparams"].contains(name)) hvparams[name] = r["hvparams"][name];
  }
  const Json tags = r.value("tags", Json::array());
  const Json reserved = r.value("reserved_lvs", Json::array());
  Json out = Json::object();
  out["Cluster name"] = r.value("name", "");
  out["Cluster UUID"] = r.value("uuid", "");
  out["Creation time"] = formatTime(r.value("ctime", Json()));
  out["Modification time"] = formatTime(r.value("mtime", Json()));
  out["Master node"] = r.value("master", "");
  const Json arch = r.value("architecture", Json::array({"", ""}));
  out["Architecture (this node)"] =
      arch[0].get<std::string>() + " (" + arch[1].get<std::string>() + ")";
  out["Tags"] = tags.empty() ? Json("(none)") : Json(commaJoin(tags));
  out["Default hypervisor"] = orNone(r.value("default_hypervisor", Json()));
  out["Enabled hypervisors"] = commaJoin(r.value("enabled_hypervisors", Json::array()));
  out["Hypervisor parameters"] = grouped(hvparams);
  out["OS-specific hypervisor parameters"] = grouped(r.value("os_hvp", Json::object()));
  out["OS parameters"] = grouped(r.value("osparams", Json::object()));
  out["Hidden OSes"] = commaJoin(r.value("hidden_os", Json::array()));
  out["Blacklisted OSes"] = commaJoin(r.value("blacklisted_os", Json::array()));
  Json c = Json::object();
  c["candidate pool size"] = r.value("candidate_pool_size", Json());
  c["maximal number of jobs running simultaneously"] = r.value("max_running_jobs", Json());
  c["maximal number of jobs simultaneously tracked by the scheduler"] =
      r.value("max_tracked_jobs", Json());
  c["mac prefix"] = r.value("mac_prefix", Json());
  c["master netdev"] = r.value("master_netdev", Json());
  c["master netmask"] = r.value("master_netmask", Json());
  c["use external master IP address setup script"] = r.value("use_external_mip_script", Json());
  c["lvm volume group"] = orNone(r.value("volume_group_name", Json()));
  c["lvm reserved volumes"] = reserved.empty() ? Json("(none)") : Json(commaJoin(reserved));
  c["drbd usermode helper"] = orNone(r.value("drbd_usermode_helper", Json()));
  c["file storage path"] = r.value("file_storage_dir", Json());
  c["shared file storage path"] = r.value("shared_file_storage_dir", Json());
  c["gluster storage path"] = r.value("gluster_storage_dir", Json());
  c["maintenance of node health"] = r.value("maintain_node_health", Json());
  c["uid pool"] = "";
  c["default instance allocator"] = r.value("default_iallocator", Json());
  c["default instance allocator parameters"] =
      grouped(r.value("default_iallocator_params", Json::object()));
  c["primary ip version"] = r.value("primary_ip_version", Json());
  c["preallocation wipe disks"] = r.value("prealloc_wipe_disks", Json());
  c["enabled disk templates"] = commaJoin(r.value("enabled_disk_templates", Json::array()));
  c["install image"] = r.value("install_image", Json());
  c["instance communication network"] = r.value("instance_communication_network", Json());
  c["zeroing image"] = r.value("zeroing_image", Json());
  c["compression tools"] = r.value("compression_tools", Json::array());
  c["enabled user shutdown"] = r.value("enabled_user_shutdown", Json());
  c["modify ssh setup"] = r.value("modify_ssh_setup", Json());
  c["ssh_key_type"] = r.value("ssh_key_type", Json());
  c["ssh_key_bits"] = r.value("ssh_key_bits", Json());
  out["Cluster parameters"] = c;
  out["Default node parameters"] = grouped(r.value("ndparams", Json::object()));
  out["Default instance parameters"] = grouped(r.value("beparams", Json::object()));
  out["Default nic parameters"] = grouped(r.value("nicparams", Json::object()));
  out["Default disk parameters"] = grouped(r.value("diskparams", Json::object()));
  out["Instance policy - limits for instances"] = grouped(r.value("ipolicy", Json::object()));
  std::cout << formatGenericInfo(out);
  return 0;
}

}  // namespace gantry::cli::cluster
