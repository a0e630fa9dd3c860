#include "core/config/upgrade.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/config/defaults.h"

namespace gantry::core::config {

using Json = nlohmann::json;

namespace {

// The oldest layout the steps below were checked against (Ganeti's samples
// 2.7 ... 3.1). Older ones need Ganeti's own object upgrades first.
constexpr int kOldestMajor = 2;
constexpr int kOldestMinor = 7;
constexpr int kLastV2Minor = 16;

class UpgradeFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Python truthiness, which cfgupgrade's `if not x` tests rely on.
bool isFalsy(const Json* value) {
  if (value == nullptr || value->is_null()) return true;
  if (value->is_boolean()) return !value->get<bool>();
  if (value->is_number()) return value->get<double>() == 0;
  if (value->is_string() || value->is_array() || value->is_object())
    return value->empty();
  return false;
}

const Json* child(const Json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string describe(const Json& object, const std::string& fallback) {
  const Json* name = child(object, "name");
  return name != nullptr && name->is_string() ? name->get<std::string>()
                                              : fallback;
}

// The conversions of Ganeti's lib/tools/cfgupgrade.py (UpgradeAll), in its
// order, plus what Ganeti's config writer adds when it first loads the
// result (uuids of NICs, disks_active).
class Upgrader {
 public:
  Upgrader(Json data, const UpgradeOptions& options, UpgradeReport& report)
      : data_(std::move(data)), options_(options), report_(report) {}

  Json run() {
    data_["version"] = kConfigVersion;
    upgradeNetworks();
    upgradeCluster();
    upgradeGroups();
    upgradeInstances();
    upgradeTopLevelDisks();
    upgradeNodeIndices();
    upgradeInstanceIndices();
    upgradeFilters();
    upgradeDiskNodes();
    upgradeDiskTemplate();
    completeInstances();
    return std::move(data_);
  }

 private:
  void action(std::string line) { report_.actions.push_back(std::move(line)); }
  void warning(std::string line) {
    report_.warnings.push_back(std::move(line));
  }

  std::string newUuid() {
    return options_.newUuid ? options_.newUuid() : randomUuid();
  }

  Json& objectAt(Json& parent, const char* key, const std::string& what) {
    auto it = parent.find(key);
    if (it == parent.end() || !it->is_object()) {
      throw UpgradeFailure("Can't find the '" + std::string(key) +
                           "' dictionary in the " + what);
    }
    return *it;
  }

  void defaultKey(Json& object, const char* key, Json value,
                  const std::string& where) {
    if (object.contains(key)) return;
    object[key] = std::move(value);
    action(where + ": added " + key);
  }

  void emptyIfFalsy(Json& object, const char* key, const std::string& where) {
    if (!isFalsy(child(object, key))) return;
    const bool existed = object.contains(key);
    object[key] = Json::object();
    if (!existed) action(where + ": added " + key);
  }

  // ---- networks, filters ----

  void upgradeNetworks() { emptyIfFalsy(data_, "networks", "config"); }
  void upgradeFilters() { emptyIfFalsy(data_, "filters", "config"); }

  // ---- cluster ----

  // Ganeti <= 2.7 kept `min`/`max` beside `std`; 2.8 made them the single
  // entry of `minmax`. Groups never keep `std`. Missing min/max keys come
  // from `defaults` (the built-in policy for the cluster, the cluster's own
  // for a group).
  void upgradeIPolicy(Json& ipolicy, const Json& defaults, bool isGroup,
                      const std::string& where) {
    if (ipolicy.contains("min") || ipolicy.contains("max")) {
      Json minmax = Json::object();
      for (const char* key : {"min", "max"}) {
        auto it = ipolicy.find(key);
        if (it == ipolicy.end()) continue;
        if (!isFalsy(&*it)) minmax[key] = *it;
        ipolicy.erase(key);
      }
      if (!minmax.empty()) ipolicy["minmax"] = Json::array({minmax});
      action(where + ": ipolicy min/max converted to minmax");
    }
    if (isGroup && ipolicy.contains("std")) {
      ipolicy.erase("std");
      action(where + ": ipolicy std removed (cluster level only)");
    }
    const Json* minmax = child(ipolicy, "minmax");
    const Json* defaultMinmax = child(defaults, "minmax");
    if (minmax == nullptr || !minmax->is_array() || minmax->empty() ||
        defaultMinmax == nullptr || !defaultMinmax->is_array() ||
        defaultMinmax->empty()) {
      return;
    }
    Json& first = ipolicy["minmax"][0];
    const Json& defaultFirst = (*defaultMinmax)[0];
    for (auto spec = first.begin(); spec != first.end(); ++spec) {
      const Json* specDefaults = child(defaultFirst, spec.key().c_str());
      if (specDefaults == nullptr || !spec->is_object()) continue;
      for (const auto& [par, value] : specDefaults->items()) {
        if (!spec->contains(par)) (*spec)[par] = value;
      }
    }
  }

  void upgradeCluster() {
    Json& cluster = objectAt(data_, "cluster", "configuration");
    const std::string where = "cluster";

    auto ipolicy = cluster.find("ipolicy");
    if (ipolicy == cluster.end() || ipolicy->is_null()) {
      // Ganeti writes null here and fills the defaults when it loads the
      // file; writing the filled policy has the same effect.
      cluster["ipolicy"] = ipolicyDefaults();
      action(where + ": added the default ipolicy");
    } else if (!isFalsy(&*ipolicy)) {
      upgradeIPolicy(*ipolicy, ipolicyDefaults(), false, where);
    }

    emptyIfFalsy(cluster, "default_iallocator_params", where);
    defaultKey(cluster, "candidate_certs", Json::object(), where);
    defaultKey(cluster, "instance_communication_network", "", where);
    defaultKey(cluster, "install_image", "", where);
    defaultKey(cluster, "zeroing_image", "", where);
    defaultKey(cluster, "compression_tools", defaultCompressionTools(), where);
    defaultKey(cluster, "enabled_user_shutdown", false, where);

    defaultKey(cluster, "data_collectors", Json::object(), where);
    Json& collectors = cluster["data_collectors"];
    if (!collectors.is_object()) {
      throw UpgradeFailure("cluster data_collectors is not a dictionary");
    }
    for (const auto& name : dataCollectorNames()) {
      if (collectors.contains(name)) continue;
      // The interval is in microseconds, written as a float like Ganeti.
      collectors[name] = {{"active", true}, {"interval", 5.0 * 1e6}};
      action(where + ": added data collector " + name);
    }

    // Clusters from before 2.16 used DSA keys of 1024 bits; 2.16 made the
    // key type configurable with these as the values of existing clusters.
    defaultKey(cluster, "ssh_key_type", "dsa", where);
    defaultKey(cluster, "ssh_key_bits", 1024, where);

    auto hvparams = cluster.find("hvparams");
    if (hvparams != cluster.end() && hvparams->is_object()) {
      // 3.1 dropped the xm toolstack and with it xen_cmd.
      for (const char* hv : {"xen-pvm", "xen-hvm"}) {
        auto params = hvparams->find(hv);
        if (params != hvparams->end() && params->is_object() &&
            params->erase("xen_cmd") > 0) {
          action(where + ": removed hvparam xen_cmd of " + hv);
        }
      }
      auto kvm = hvparams->find("kvm");
      if (kvm != hvparams->end()) upgradeDiskDiscard(*kvm, where + " kvm");
    }
  }

  // 3.1 removed disk_discard "default"; "ignore" is what it did.
  void upgradeDiskDiscard(Json& hvparams, const std::string& where) {
    const Json* discard = child(hvparams, "disk_discard");
    if (discard != nullptr && *discard == "default") {
      hvparams["disk_discard"] = "ignore";
      action(where + ": disk_discard 'default' changed to 'ignore'");
    }
  }

  // ---- node groups ----

  void upgradeGroups() {
    const Json* clusterPolicy = child(data_["cluster"], "ipolicy");
    Json& groups = objectAt(data_, "nodegroups", "configuration");
    for (auto it = groups.begin(); it != groups.end(); ++it) {
      Json& group = it.value();
      if (!group.is_object()) {
        throw UpgradeFailure("node group " + it.key() + " is not an object");
      }
      const std::string where = "group " + describe(group, it.key());
      emptyIfFalsy(group, "networks", where);
      auto ipolicy = group.find("ipolicy");
      if (ipolicy != group.end() && !isFalsy(&*ipolicy)) {
        if (clusterPolicy == nullptr || clusterPolicy->is_null()) {
          throw UpgradeFailure(
              "A group defines an instance policy but there is no instance "
              "policy at cluster level");
        }
        upgradeIPolicy(*ipolicy, *clusterPolicy, true, where);
      }
    }
  }

  // ---- instances ----

  static void removePhysicalId(Json& disk) {
    disk.erase("physical_id");
    if (auto children = disk.find("children");
        children != disk.end() && children->is_array()) {
      for (auto& c : *children) removePhysicalId(c);
    }
  }

  // Device types before 2.9: lvm -> plain, drbd8 -> drbd.
  static bool upgradeDevType(Json& disk) {
    bool changed = false;
    if (auto type = disk.find("dev_type"); type != disk.end()) {
      if (*type == "lvm") {
        *type = "plain";
        changed = true;
      } else if (*type == "drbd8") {
        *type = "drbd";
        changed = true;
      }
    }
    if (auto children = disk.find("children");
        children != disk.end() && children->is_array()) {
      for (auto& c : *children) changed = upgradeDevType(c) || changed;
    }
    return changed;
  }

  int assignUuids(Json& disk) {
    int assigned = 0;
    if (!disk.contains("uuid")) {
      disk["uuid"] = newUuid();
      ++assigned;
    }
    if (auto children = disk.find("children");
        children != disk.end() && children->is_array()) {
      for (auto& c : *children) assigned += assignUuids(c);
    }
    return assigned;
  }

  // Returns whether a disk lacks `spindles`.
  bool upgradeEmbeddedDisks(Json& instance, const std::string& where) {
    auto disks = instance.find("disks");
    if (disks == instance.end() || !disks->is_array()) {
      throw UpgradeFailure("Instance '" + where +
                           "' doesn't have a disks entry?!");
    }
    const bool allUuids = std::all_of(disks->begin(), disks->end(),
                                      [](const Json& d) { return d.is_string(); });
    if (allUuids) return false;
    bool missingSpindles = false;
    bool devTypes = false;
    int uuids = 0;
    for (std::size_t idx = 0; idx < disks->size(); ++idx) {
      Json& disk = (*disks)[idx];
      if (!disk.is_object()) {
        throw UpgradeFailure("instance " + where + ": disk " +
                             std::to_string(idx) + " is neither an object "
                             "nor a uuid");
      }
      removePhysicalId(disk);
      const std::string expected = "disk/" + std::to_string(idx);
      const Json* current = child(disk, "iv_name");
      if (current == nullptr || *current != expected) {
        warning("Updating iv_name for instance " + where + "/disk " +
                std::to_string(idx) + " from '" +
                (current != nullptr && current->is_string()
                     ? current->get<std::string>()
                     : std::string()) +
                "' to '" + expected + "'");
        disk["iv_name"] = expected;
      }
      if (disk.contains("dev_type")) devTypes = upgradeDevType(disk) || devTypes;
      if (!disk.contains("spindles")) missingSpindles = true;
      uuids += assignUuids(disk);
    }
    if (devTypes) action("instance " + where + ": disk device types renamed");
    if (uuids > 0) {
      action("instance " + where + ": " + std::to_string(uuids) +
             " disk uuid(s) assigned");
    }
    return missingSpindles;
  }

  bool exclusiveStorage() {
    auto flagged = [](const Json* ndparams) {
      const Json* flag =
          ndparams == nullptr ? nullptr : child(*ndparams, "exclusive_storage");
      return flag != nullptr && !isFalsy(flag);
    };
    bool result = flagged(child(data_["cluster"], "ndparams"));
    for (const auto& group : data_["nodegroups"]) {
      result = flagged(child(group, "ndparams")) || result;
    }
    return result;
  }

  void upgradeInstances() {
    std::map<std::string, std::string> network2uuid;
    for (const auto& net : data_["networks"]) {
      const Json* name = child(net, "name");
      const Json* uuid = child(net, "uuid");
      if (name != nullptr && uuid != nullptr && name->is_string() &&
          uuid->is_string()) {
        network2uuid[name->get<std::string>()] = uuid->get<std::string>();
      }
    }
    Json& instances = objectAt(data_, "instances", "configuration");
    bool missingSpindles = false;
    for (auto it = instances.begin(); it != instances.end(); ++it) {
      Json& inst = it.value();
      if (!inst.is_object()) {
        throw UpgradeFailure("instance " + it.key() + " is not an object");
      }
      const std::string where = describe(inst, it.key());
      if (auto nics = inst.find("nics"); nics != inst.end() && nics->is_array()) {
        for (auto& nic : *nics) {
          const Json* network = child(nic, "network");
          if (network == nullptr || !network->is_string()) continue;
          auto found = network2uuid.find(network->get<std::string>());
          if (found == network2uuid.end()) continue;
          action("instance " + where + ": NIC network " + found->first +
                 " replaced by its uuid " + found->second);
          nic["network"] = found->second;
        }
      }
      missingSpindles = upgradeEmbeddedDisks(inst, where) || missingSpindles;
      if (!inst.contains("admin_state_source")) {
        inst["admin_state_source"] = "admin";
        action("instance " + where + ": added admin_state_source");
      }
      if (auto hv = inst.find("hvparams"); hv != inst.end() && hv->is_object()) {
        upgradeDiskDiscard(*hv, "instance " + where);
      }
    }
    if (missingSpindles && exclusiveStorage()) {
      warning(
          "Some instance disks could be needing to update the spindles "
          "parameter; you can check by running 'gnt-cluster verify', and fix "
          "any problem with 'gnt-cluster repair-disk-sizes'");
    }
  }

  // 2.12 made disks top-level objects referenced by uuid.
  void upgradeTopLevelDisks() {
    if (data_.contains("disks")) return;
    Json disks = Json::object();
    for (auto& inst : data_["instances"]) {
      Json uuids = Json::array();
      // Instances may lack ctime; Ganeti's reader then used 0.
      const Json* ctime = child(inst, "ctime");
      const Json stamp = ctime != nullptr ? *ctime : Json(0);
      for (auto& disk : inst["disks"]) {
        const Json* uuid = child(disk, "uuid");
        if (uuid == nullptr || !uuid->is_string()) {
          throw UpgradeFailure("a disk of instance " +
                               describe(inst, "?") + " has no uuid");
        }
        disk["serial_no"] = 1;
        disk["ctime"] = stamp;
        disk["mtime"] = stamp;
        uuids.push_back(*uuid);
        disks[uuid->get<std::string>()] = std::move(disk);
      }
      inst["disks"] = std::move(uuids);
    }
    action("config: " + std::to_string(disks.size()) +
           " disk(s) moved out of their instances to the top-level disks "
           "dictionary");
    data_["disks"] = std::move(disks);
  }

  // ---- node and instance keys: names -> uuids (2.9) ----

  void upgradeNodeIndices() {
    Json& nodes = objectAt(data_, "nodes", "configuration");
    std::map<std::string, std::string> uuidByName;
    std::set<std::string> uuids;
    Json byUuid = Json::object();
    bool rekeyed = false;
    for (auto it = nodes.begin(); it != nodes.end(); ++it) {
      const Json* name = child(it.value(), "name");
      const Json* uuid = child(it.value(), "uuid");
      if (name == nullptr || uuid == nullptr || !name->is_string() ||
          !uuid->is_string()) {
        throw UpgradeFailure("node " + it.key() + " lacks a name or uuid");
      }
      uuidByName[name->get<std::string>()] = uuid->get<std::string>();
      uuids.insert(uuid->get<std::string>());
      rekeyed = rekeyed || it.key() != uuid->get<std::string>();
      byUuid[uuid->get<std::string>()] = it.value();
    }
    nodes = std::move(byUuid);

    int references = 0;
    auto remap = [&](Json& ref, const std::string& where) {
      if (!ref.is_string()) return;
      const std::string key = ref.get<std::string>();
      if (uuids.contains(key)) return;
      auto found = uuidByName.find(key);
      if (found == uuidByName.end()) {
        warning("Can't find node '" + key + "' (" + where +
                ") in configuration, assuming that it's already up-to-date");
        return;
      }
      ref = found->second;
      ++references;
    };
    remap(data_["cluster"]["master_node"], "master node");
    for (auto& inst : data_["instances"]) {
      if (inst.contains("primary_node"))
        remap(inst["primary_node"], "primary node of " + describe(inst, "?"));
    }
    std::function<void(Json&)> remapDisk = [&](Json& disk) {
      const Json* type = child(disk, "dev_type");
      Json* logicalId =
          disk.contains("logical_id") ? &disk["logical_id"] : nullptr;
      if (type != nullptr && (*type == "drbd" || *type == "drbd8") &&
          logicalId != nullptr && logicalId->is_array() &&
          logicalId->size() >= 2) {
        for (int i = 0; i < 2; ++i) remap((*logicalId)[i], "DRBD disk");
      }
      if (auto children = disk.find("children");
          children != disk.end() && children->is_array()) {
        for (auto& c : *children) remapDisk(c);
      }
    };
    for (auto& disk : data_["disks"]) remapDisk(disk);
    if (rekeyed) action("nodes: dictionary keyed by uuid instead of name");
    if (references > 0) {
      action("config: " + std::to_string(references) +
             " node reference(s) changed from name to uuid");
    }
  }

  void upgradeInstanceIndices() {
    Json& instances = data_["instances"];
    Json byUuid = Json::object();
    bool rekeyed = false;
    for (auto it = instances.begin(); it != instances.end(); ++it) {
      const Json* uuid = child(it.value(), "uuid");
      if (uuid == nullptr || !uuid->is_string()) {
        throw UpgradeFailure("instance " + it.key() + " has no uuid");
      }
      rekeyed = rekeyed || it.key() != uuid->get<std::string>();
      byUuid[uuid->get<std::string>()] = it.value();
    }
    instances = std::move(byUuid);
    if (rekeyed) action("instances: dictionary keyed by uuid instead of name");
  }

  // ---- disk nodes (2.14) ----

  static void drbdNodes(const Json& disk, std::vector<std::string>& out) {
    const Json* type = child(disk, "dev_type");
    const Json* logicalId = child(disk, "logical_id");
    if (type != nullptr && *type == "drbd" && logicalId != nullptr &&
        logicalId->is_array() && logicalId->size() >= 2) {
      for (int i = 0; i < 2; ++i) {
        const Json& node = (*logicalId)[i];
        if (node.is_string() &&
            std::find(out.begin(), out.end(), node.get<std::string>()) ==
                out.end()) {
          out.push_back(node.get<std::string>());
        }
      }
    }
    if (const Json* children = child(disk, "children");
        children != nullptr && children->is_array()) {
      for (const auto& c : *children) drbdNodes(c, out);
    }
  }

  static void setNodesRecursively(Json& disk, const Json& nodes) {
    disk["nodes"] = nodes;
    if (auto children = disk.find("children");
        children != disk.end() && children->is_array()) {
      for (auto& c : *children) setNodesRecursively(c, nodes);
    }
  }

  // Every disk lists the nodes it is reachable from: DRBD both nodes (and
  // its children the same), plain/file the instance's nodes, shared and
  // external storage none.
  void upgradeDiskNodes() {
    Json& disks = data_["disks"];
    int updated = 0;
    for (auto& inst : data_["instances"]) {
      const std::string where = describe(inst, "?");
      std::vector<std::string> all;
      if (const Json* primary = child(inst, "primary_node");
          primary != nullptr && primary->is_string()) {
        all.push_back(primary->get<std::string>());
      }
      const Json* uuids = child(inst, "disks");
      if (uuids == nullptr || !uuids->is_array()) continue;
      for (const auto& uuid : *uuids) {
        if (!uuid.is_string() || !disks.contains(uuid.get<std::string>())) {
          throw UpgradeFailure("instance " + where +
                               " refers to an unknown disk " + uuid.dump());
        }
        drbdNodes(disks[uuid.get<std::string>()], all);
      }
      const Json allNodes = all;
      for (const auto& uuid : *uuids) {
        Json& disk = disks[uuid.get<std::string>()];
        if (disk.contains("nodes")) continue;
        const Json* type = child(disk, "dev_type");
        if (type != nullptr && *type == "drbd") {
          setNodesRecursively(disk, allNodes);
        } else if (type != nullptr && (*type == "plain" || *type == "file")) {
          disk["nodes"] = allNodes;
        } else {
          disk["nodes"] = Json::array();
        }
        ++updated;
      }
    }
    if (updated > 0) {
      action("disks: node list added to " + std::to_string(updated) +
             " disk(s)");
    }
  }

  // 3.0 derives the template from the disks.
  void upgradeDiskTemplate() {
    int removed = 0;
    for (auto& inst : data_["instances"]) removed += inst.erase("disk_template");
    if (removed > 0) {
      action("instances: disk_template removed from " +
             std::to_string(removed) + " instance(s)");
    }
  }

  // What Ganeti's config writer fills in when it first loads an upgraded
  // file (lib/config: uuids for every NIC; objects.Instance: disks_active
  // follows admin_state); the 3.x reader requires both.
  void completeInstances() {
    int nicUuids = 0;
    int disksActive = 0;
    for (auto& inst : data_["instances"]) {
      if (auto nics = inst.find("nics"); nics != inst.end() && nics->is_array()) {
        for (auto& nic : *nics) {
          if (nic.is_object() && !nic.contains("uuid")) {
            nic["uuid"] = newUuid();
            ++nicUuids;
          }
        }
      }
      if (!inst.contains("disks_active")) {
        const Json* state = child(inst, "admin_state");
        inst["disks_active"] = state != nullptr && *state == "up";
        ++disksActive;
      }
    }
    if (nicUuids > 0) {
      action("instances: " + std::to_string(nicUuids) +
             " NIC uuid(s) assigned");
    }
    if (disksActive > 0) {
      action("instances: disks_active added to " +
             std::to_string(disksActive) + " instance(s)");
    }
  }

  Json data_;
  const UpgradeOptions& options_;
  UpgradeReport& report_;
};

sdk::Result<std::int64_t> readVersion(const Json& data) {
  if (!data.is_object()) {
    return sdk::Error{sdk::ErrorCode::kInvalid,
                      "Configuration is not a JSON object"};
  }
  auto it = data.find("version");
  if (it == data.end()) {
    return sdk::Error{sdk::ErrorCode::kInvalid,
                      "Unable to determine configuration version"};
  }
  if (!it->is_number_integer()) {
    return sdk::Error{sdk::ErrorCode::kInvalid,
                      "Configuration version is not an integer: " +
                          it->dump()};
  }
  return it->get<std::int64_t>();
}

}  // namespace

ConfigVersion splitVersion(std::int64_t version) {
  return ConfigVersion{static_cast<int>(version / 1000000),
                       static_cast<int>((version / 10000) % 100),
                       static_cast<int>(version % 10000)};
}

std::int64_t buildVersion(int major, int minor, int revision) {
  return std::int64_t{major} * 1000000 + std::int64_t{minor} * 10000 +
         revision;
}

std::string versionString(std::int64_t version) {
  const ConfigVersion v = splitVersion(version);
  std::string out = std::to_string(v.major) + "." + std::to_string(v.minor);
  if (v.revision != 0) out += "." + std::to_string(v.revision);
  return out;
}

sdk::Result<void> checkConfigVersion(std::int64_t version) {
  if (version == kConfigVersion) return sdk::ok();
  const std::string found = versionString(version);
  const std::string ours = versionString(kConfigVersion);
  if (isUpgradable(version)) {
    return sdk::Error{sdk::ErrorCode::kInvalid,
                      "Configuration version " + found +
                          " is not supported; this is " + ours +
                          ": run gantry-cfgupgrade"};
  }
  return sdk::Error{sdk::ErrorCode::kInvalid,
                    "Configuration version " + found +
                        " is not supported; this is " + ours};
}

sdk::Result<void> checkConfigVersion(const Json& data) {
  auto version = readVersion(data);
  if (!version) return std::move(version).error();
  return checkConfigVersion(*version);
}

sdk::Result<ConfigData> loadConfigData(const Json& data) {
  if (auto checked = checkConfigVersion(data); !checked) {
    return std::move(checked).error();
  }
  try {
    return ConfigData::fromJson(data);
  } catch (const ConfigError& e) {
    return sdk::Error{sdk::ErrorCode::kInvalid, e.what()};
  }
}

sdk::Result<ConfigData> loadConfigText(std::string_view text) {
  Json data = Json::parse(text.begin(), text.end(), nullptr, false);
  if (data.is_discarded()) {
    return sdk::Error{sdk::ErrorCode::kInvalid,
                      "Configuration is not valid JSON"};
  }
  return loadConfigData(data);
}

bool isUpgradable(std::int64_t version) {
  const ConfigVersion v = splitVersion(version);
  if (version < 0) return false;
  if (v.major == kOldestMajor)
    return v.minor >= kOldestMinor && v.minor <= kLastV2Minor;
  return v.major == kConfigMajor && v.minor <= kConfigMinor;
}

sdk::Result<UpgradeReport> upgradeConfig(Json& data,
                                         const UpgradeOptions& options) {
  auto version = readVersion(data);
  if (!version) return std::move(version).error();
  UpgradeReport report;
  report.fromVersion = *version;
  report.toVersion = kConfigVersion;

  if (!isUpgradable(*version)) {
    const ConfigVersion v = splitVersion(*version);
    if (v.major == kOldestMajor && v.minor < kOldestMinor && *version >= 0) {
      return sdk::Error{sdk::ErrorCode::kInvalid,
                        "Configuration version " + versionString(*version) +
                            " is too old to upgrade; upgrade it to 2.7 or "
                            "later with Ganeti's cfgupgrade first"};
    }
    return sdk::Error{sdk::ErrorCode::kInvalid,
                      "Configuration version " + versionString(*version) +
                          " is not supported by this tool"};
  }
  if (const Json* cluster = child(data, "cluster");
      cluster != nullptr && cluster->contains("config_version")) {
    return sdk::Error{sdk::ErrorCode::kInvalid,
                      "Inconsistent configuration: found config_version in "
                      "configuration file"};
  }
  if (*version == kConfigVersion) return report;

  try {
    Upgrader upgrader(data, options, report);
    Json upgraded = upgrader.run();
    data = std::move(upgraded);
  } catch (const UpgradeFailure& e) {
    return sdk::Error{sdk::ErrorCode::kInvalid,
                      std::string("Upgrade failed: ") + e.what()};
  } catch (const Json::exception& e) {
    return sdk::Error{sdk::ErrorCode::kInvalid,
                      std::string("Upgrade failed: malformed configuration: ") +
                          e.what()};
  }
  report.changed = true;
  return report;
}

std::string randomUuid() {
  static thread_local std::mt19937_64 engine{std::random_device{}()};
  std::uniform_int_distribution<std::uint64_t> dist;
  std::uint64_t hi = dist(engine);
  std::uint64_t lo = dist(engine);
  hi = (hi & ~std::uint64_t{0xF000}) | 0x4000;  // version 4
  lo = (lo & ~(std::uint64_t{0xC} << 60)) | (std::uint64_t{0x8} << 60);
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF),
                static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

}  // namespace gantry::core::config
