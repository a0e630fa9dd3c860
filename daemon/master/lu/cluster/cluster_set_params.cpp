// OP_CLUSTER_SET_PARAMS: changes the cluster-wide settings `gnt-cluster
// init` chose (hypervisors, disk templates, default parameters, storage
// dirs, master netdev, candidate pool size, ...). A larger candidate pool
// is filled at once.
#include <algorithm>
#include <set>

#include "core/cluster/json_access.h"
#include "core/config/defaults.h"
#include "core/config/store.h"
#include "daemon/master/cluster/config_helpers.h"
#include "daemon/master/cluster/config_push.h"
#include "daemon/master/instance/hypervisor_params.h"
#include "daemon/master/lu/instance/instance_helpers.h"
#include "daemon/master/lu/logical_unit.h"

namespace gantry::daemon::master {
namespace {
using core::config::jsonPointer;
using core::config::StoreOp;
using nlohmann::json;

bool known(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

class LuClusterSetParams : public LogicalUnit {
 public:
  using LogicalUnit::LogicalUnit;

  std::string hooksPath() const override { return "cluster-modify"; }

  void checkPrereq() override {
    if (services.config == nullptr) throw PrereqError("The cluster is not initialized");
    doc_ = services.config->get("");
    json cluster = doc_.at("cluster");
    json updated = cluster;
    // Plain values, under the opcode's name or the config's.
    const std::pair<const char*, const char*> plain[] = {
        {"candidate_pool_size", "candidate_pool_size"},
        {"max_running_jobs", "max_running_jobs"},
        {"max_tracked_jobs", "max_tracked_jobs"},
        {"master_netdev", "master_netdev"},
        {"master_netmask", "master_netmask"},
        {"mac_prefix", "mac_prefix"},
        {"file_storage_dir", "file_storage_dir"},
        {"shared_file_storage_dir", "shared_file_storage_dir"},
        {"default_iallocator", "default_iallocator"},
        {"modify_etc_hosts", "modify_etc_hosts"},
        {"maintain_node_health", "maintain_node_health"},
        {"prealloc_wipe_disks", "prealloc_wipe_disks"},
        {"drbd_helper", "drbd_usermode_helper"},
        {"reserved_lvs", "reserved_lvs"},
        {"use_external_mip_script", "use_external_mip_script"},
    };
    for (const auto& [opName, key] : plain) {
      if (op.has(opName)) updated[key] = op.get(opName);
    }
    if (op.has("vg_name")) {
      const std::string vg = op.getString("vg_name");
      updated["volume_group_name"] = vg.empty() ? json(nullptr) : json(vg);
    }
    if (op.has("enabled_hypervisors")) {
      const auto hvs = op.get("enabled_hypervisors");
      if (hvs.empty()) throw PrereqError("No enabled hypervisors specified");
      updated["enabled_hypervisors"] = hvs;
    }
    if (op.has("enabled_disk_templates")) {
      const auto templates = op.get("enabled_disk_templates");
      if (templates.empty()) throw PrereqError("No enabled disk templates specified");
      updated["enabled_disk_templates"] = templates;
    }
    const auto templates = updated.value("enabled_disk_templates", json::array());
    const bool lvm = std::any_of(templates.begin(), templates.end(), [](const json& t) {
      return t == "plain" || t == "drbd";
    });
    if (lvm && updated.value("volume_group_name", json(nullptr)).is_null()) {
      throw PrereqError("Cannot enable lvm-based disk templates without a volume group "
                        "(use --vg-name)");
    }
    if (op.has("hvparams")) {
      for (const auto& [hv, params] : op.get("hvparams").items()) {
        if (!known(core::config::hypervisorTypes(), hv)) {
          throw PrereqError("Invalid hypervisor: " + hv);
        }
        for (const auto& [key, value] : params.items()) {
          if (!core::config::hvDefaults(hv).contains(key)) {
            throw PrereqError("Unknown parameter '" + key + "' of hypervisor " + hv);
          }
          updated["hvparams"][hv][key] = value;
        }
        requireValidHypervisorParams(services, hv, updated["hvparams"][hv]);
      }
    }
    mergeDefaults(updated, "beparams", core::config::beDefaults(), "backend");
    mergeDefaults(updated, "nicparams", core::config::nicDefaults(), "nic");
    if (op.has("ndparams")) {
      for (const auto& [key, value] : op.get("ndparams").items()) {
        if (!core::config::ndDefaults().contains(key)) {
          throw PrereqError("Unknown node parameter '" + key + "'");
        }
        updated["ndparams"][key] = value;
      }
    }
    if (op.has("diskparams")) {
      for (const auto& [tmpl, params] : op.get("diskparams").items()) {
        if (!known(core::config::diskTemplates(), tmpl)) {
          throw PrereqError("Invalid disk template: " + tmpl);
        }
        for (const auto& [key, value] : params.items()) updated["diskparams"][tmpl][key] = value;
      }
    }
    mergeOsHypervisorParams(updated);
    mergeOsParams(updated, "osparams", "osparams");
    mergeOsParams(updated, "osparams_private_cluster", "osparams_private_cluster");
    if (op.has("osparams") || op.has("osparams_private_cluster")) validateOsParams(updated);
    changeOsList(updated, "hidden_os", "hidden OS list");
    changeOsList(updated, "blacklisted_os", "blacklisted OS list");
    for (const auto& [key, value] : updated.items()) {
      if (cluster.value(key, json(nullptr)) != value) {
        changes_.push_back(StoreOp::put(jsonPointer({"cluster", key}), value));
      }
    }
    poolGrew_ = updated.value("candidate_pool_size", 10) > cluster.value("candidate_pool_size", 10);
    newPool_ = updated.value("candidate_pool_size", 10);
  }

  json exec() override {
    for (const auto& note : osValidationSkipped_) feedback.info(note);
    for (const auto& note : osListNotes_) feedback.message(note);
    if (changes_.empty()) return nullptr;
    const double now = nowSeconds();
    core::config::StoreChange change = changes_;
    if (poolGrew_) {
      json trial = doc_;
      trial["cluster"]["candidate_pool_size"] = newPool_;
      auto promoted = maintainCandidatePool(trial, change, now);
      if (!promoted.empty()) {
        std::string names;
        for (const auto& p : promoted) names += (names.empty() ? "" : ", ") + p;
        feedback.info("Promoted nodes to master candidate role: " + names);
      }
    }
    bumpCluster(doc_, change, now);
    commitAndDistribute(services, change, feedback);
    return nullptr;
  }

 private:
  void mergeDefaults(json& updated, const char* name, const json& defaults, const char* what) {
    if (!op.has(name)) return;
    for (const auto& [key, value] : op.get(name).items()) {
      if (!defaults.contains(key)) {
        throw PrereqError("Unknown " + std::string(what) + " parameter '" + key + "'");
      }
      updated[name]["default"][key] = value;
    }
  }

  // Ganeti's os_hvp merge: per OS and hypervisor, new keys added to the
  // old ones; a null hypervisor entry drops it.
  void mergeOsHypervisorParams(json& updated) {
    if (!op.has("os_hvp") || !op.get("os_hvp").is_object()) return;
    json osHvp = updated.value("os_hvp", json::object());
    const json requested = op.get("os_hvp");
    for (const auto& [os, hvs] : requested.items()) {
      if (!hvs.is_object()) throw PrereqError("Invalid hypervisor parameters for OS " + os);
      for (const auto& [hv, params] : hvs.items()) {
        if (!known(core::config::hypervisorTypes(), hv)) {
          throw PrereqError("Invalid hypervisor: " + hv);
        }
        if (params.is_null()) {
          if (osHvp.contains(os)) osHvp[os].erase(hv);
          continue;
        }
        for (const auto& [key, value] : params.items()) {
          if (!core::config::hvDefaults(hv).contains(key)) {
            throw PrereqError("Unknown parameter '" + key + "' of hypervisor " + hv);
          }
          osHvp[os][hv][key] = value;
        }
      }
    }
    updated["os_hvp"] = osHvp;
  }

  // Ganeti's _BuildOSParams: per OS, values set, "default" or null drops
  // a key, an OS left without parameters is dropped.
  void mergeOsParams(json& updated, const char* opName, const char* key) {
    if (!op.has(opName) || !op.get(opName).is_object()) return;
    json all = updated.value(key, json::object());
    const json requested = op.get(opName);
    for (const auto& [os, params] : requested.items()) {
      if (!params.is_object()) throw PrereqError("Invalid OS parameters for OS " + os);
      json own = all.value(os, json::object());
      for (const auto& [name, value] : params.items()) {
        if (value.is_null() || value == "default") {
          own.erase(name);
        } else {
          own[name] = value;
        }
      }
      if (own.empty()) {
        all.erase(os);
      } else {
        all[os] = own;
      }
    }
    updated[key] = all;
  }

  // Ganeti's CheckOSParams on the master (_BuildOSParams): each OS with
  // cluster parameters has them checked by the master's OS provider, the
  // base OS's parameters under an "os+variant" key's own (SimpleFillOS),
  // public and private together, a key in both refused. An OS the master
  // does not have is skipped with a note, as Ganeti skips it.
  void validateOsParams(const json& updated) {
    const json publicParams = updated.value("osparams", json::object());
    const json privateParams = updated.value("osparams_private_cluster", json::object());
    std::set<std::string> oses;
    for (const auto& [os, _] : publicParams.items()) oses.insert(os);
    for (const auto& [os, _] : privateParams.items()) oses.insert(os);
    const std::string masterUuid = doc_.at("cluster").value("master_node", "");
    const json master = doc_.value("nodes", json::object()).value(masterUuid, json::object());
    const std::string masterName = master.value("name", masterUuid);
    auto filled = [](const json& byOs, const std::string& os) {
      json params = core::cluster::objectMember(byOs, os.substr(0, os.find('+')));
      for (const auto& [name, value] : core::cluster::objectMember(byOs, os).items()) {
        params[name] = value;
      }
      return params;
    };
    for (const auto& os : oses) {
      json params = filled(publicParams, os);
      const json privateFilled = filled(privateParams, os);
      std::string repeated;
      for (const auto& [name, value] : privateFilled.items()) {
        if (params.contains(name)) repeated += (repeated.empty() ? "'" : ", '") + name + "'";
        params[name] = value;
      }
      if (!repeated.empty()) {
        throw PrereqError(
            "Cannot assign multiple values to OS parameters.\n\n"
            "      Conflicting OS parameters that would have been set by this operation:\n"
            "      - at public visibility:  " + repeated + "\n"
            "      - at private visibility: " + repeated + "\n"
            "      - at secret visibility:  (none)\n      ");
      }
      // The variant is not checked here, unlike Ganeti's ValidateOS
      // (force_variant false): Ganeti then refuses cluster parameters for
      // the base name of any OS with variants ("OS name 'x' must include
      // a variant"), which leaves no way to set them for all variants.
      if (!requireValidOsParams(services, master, os, params, /*forceVariant=*/true,
                                /*required=*/false)) {
        osValidationSkipped_.push_back("OS " + os + " not found on node " + masterName +
                                       ", validation skipped");
      }
    }
  }

  // hidden_os / blacklisted_os: [["add"|"remove", os], ...].
  void changeOsList(json& updated, const char* key, const std::string& description) {
    if (!op.has(key) || !op.get(key).is_array()) return;
    json list = updated.value(key, json::array());
    if (!list.is_array()) list = json::array();
    const json changes = op.get(key);
    for (const auto& change : changes) {
      if (!change.is_array() || change.size() != 2 || !change[1].is_string()) {
        throw PrereqError("Invalid " + description + " change " + change.dump());
      }
      const std::string os = change[1].get<std::string>();
      const auto at = std::find(list.begin(), list.end(), os);
      if (change[0] == "add") {
        if (at != list.end()) {
          osListNotes_.push_back("OS " + os + " already in " + description + ", ignoring");
        } else {
          list.push_back(os);
        }
      } else if (change[0] == "remove") {
        if (at == list.end()) {
          osListNotes_.push_back("OS " + os + " not found in " + description + ", ignoring");
        } else {
          list.erase(at);
        }
      } else {
        throw PrereqError("Invalid " + description + " change " + change.dump());
      }
    }
    updated[key] = list;
  }

  json doc_;
  std::vector<std::string> osListNotes_;
  std::vector<std::string> osValidationSkipped_;
  core::config::StoreChange changes_;
  bool poolGrew_ = false;
  std::int64_t newPool_ = 10;
};

}  // namespace

void registerClusterSetParams() {
  registerLogicalUnit("OP_CLUSTER_SET_PARAMS", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuClusterSetParams>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
