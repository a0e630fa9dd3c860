// The cluster parameters `init` and `modify` take, in Ganeti's option
// names, turned into OP_CLUSTER_SET_PARAMS parameter names and types.
#include <stdexcept>

#include "cli/common/key_values.h"
#include "cli/gnt-cluster/commands.h"
#include "core/config/defaults.h"
#include "core/luxi/errors.h"

namespace gantry::cli::cluster {
using nlohmann::json;

std::vector<OptionSpec> parameterOptions() {
  return {
      {"", "--enabled-hypervisors", "enabled_hypervisors", true, "HYPERVISORS",
       "Comma-separated list of hypervisors", {}},
      {"-H", "--hypervisor-parameters", "hvparams", true, "HYPERVISOR:k=v,...",
       "Hypervisor and hypervisor options", {}},
      {"-B", "--backend-parameters", "beparams", true, "k=v,...", "Backend parameters", {}},
      {"-N", "--nic-parameters", "nicparams", true, "k=v,...", "NIC parameters", {}},
      {"", "--node-parameters", "ndparams", true, "k=v,...", "Node parameters", {}},
      {"", "--enabled-disk-templates", "enabled_disk_templates", true, "TEMPLATES",
       "Comma-separated list of disk templates", {}},
      {"", "--vg-name", "vg_name", true, "VG", "Volume group name", {}},
      {"", "--master-netdev", "master_netdev", true, "NETDEV",
       "Specify the node interface (cluster-wide) on which the master IP address will be "
       "added", {}},
      {"", "--master-netmask", "master_netmask", true, "NETMASK",
       "Specify the netmask of the master IP", {}},
      {"-m", "--mac-prefix", "mac_prefix", true, "PREFIX",
       "Specify the mac prefix for the instance IP addresses", {}},
      {"-C", "--candidate-pool-size", "candidate_pool_size", true, "SIZE",
       "Set the candidate pool size", {}},
      {"-I", "--default-iallocator", "default_iallocator", true, "DEFAULT_IALLOCATOR",
       "Set the default instance allocator plugin", {}},
      {"", "--drbd-usermode-helper", "drbd_helper", true, "HELPER", "DRBD usermode helper", {}},
      {"", "--file-storage-dir", "file_storage_dir", true, "DIR",
       "Specify the default directory (cluster-wide) for storing the file-based disks", {}},
      {"", "--shared-file-storage-dir", "shared_file_storage_dir", true, "SHAREDDIR",
       "Specify the default directory (cluster-wide) for storing the shared file-based disks",
       {}},
      {"", "--max-running-jobs", "max_running_jobs", true, "N",
       "The maximal number of jobs running at the same time", {}},
      {"", "--max-tracked-jobs", "max_tracked_jobs", true, "N",
       "The maximal number of jobs tracked by the scheduler", {}},
  };
}

namespace {

std::int64_t positive(const std::string& option, const std::string& text, bool allowZero) {
  try {
    std::size_t used = 0;
    const long long n = std::stoll(text, &used);
    if (used == text.size() && (n > 0 || (allowZero && n == 0))) return n;
  } catch (const std::exception&) {
  }
  throw UsageError{"option " + option + ": invalid integer value: '" + text + "'"};
}

}  // namespace

json parametersFromOptions(const ParsedOptions& o) {
  json p = json::object();
  try {
    if (auto v = o.value("enabled_hypervisors")) p["enabled_hypervisors"] = splitCommaList(*v);
    if (auto v = o.value("enabled_disk_templates")) {
      p["enabled_disk_templates"] = splitCommaList(*v);
    }
    for (const auto& text : o.all("hvparams")) {
      const auto colon = text.find(':');
      const std::string hv = text.substr(0, colon);
      auto [name, params] = parseGroupedKeyValues(text, core::config::hvDefaults(hv));
      for (const auto& [k, v] : params.items()) p["hvparams"][name][k] = v;
      if (!p["hvparams"].contains(name)) p["hvparams"][name] = json::object();
    }
    if (auto v = o.value("beparams")) p["beparams"] = parseKeyValues(*v, core::config::beDefaults());
    if (auto v = o.value("nicparams")) {
      p["nicparams"] = parseKeyValues(*v, core::config::nicDefaults());
    }
    if (auto v = o.value("ndparams")) p["ndparams"] = parseKeyValues(*v, core::config::ndDefaults());
  } catch (const std::invalid_argument& e) {
    throw core::luxi::opPrereqError(e.what(), "wrong_input");
  }
  for (const char* key : {"vg_name", "master_netdev", "mac_prefix", "default_iallocator",
                          "drbd_helper", "file_storage_dir", "shared_file_storage_dir"}) {
    if (auto v = o.value(key)) p[key] = *v;
  }
  if (auto v = o.value("master_netmask")) p["master_netmask"] = positive("--master-netmask", *v, true);
  if (auto v = o.value("candidate_pool_size")) {
    p["candidate_pool_size"] = positive("-C", *v, false);
  }
  if (auto v = o.value("max_running_jobs")) p["max_running_jobs"] = positive("--max-running-jobs", *v, false);
  if (auto v = o.value("max_tracked_jobs")) p["max_tracked_jobs"] = positive("--max-tracked-jobs", *v, false);
  return p;
}

}  // namespace gantry::cli::cluster
