// OP_INSTANCE_SET_PARAMS (gnt-instance modify): backend, hypervisor and
// OS parameters, disks added, renamed or removed, NICs added, changed or
// removed, the instance marked offline or online. Everything is checked
// before anything changes; new disks are created before the one config
// commit that records all changes (and removed again if it fails);
// removed disks are deleted after it. The result is Ganeti's list of
// [parameter, new value] entries, in Ganeti's order.
#include <optional>
#include <set>

#include "core/cluster/bootstrap.h"
#include "core/config/defaults.h"
#include "core/config/store.h"
#include "core/rpc/secrets.h"
#include "daemon/master/cluster/config_helpers.h"
#include "daemon/master/cluster/node_rpc.h"
#include "daemon/master/instance/hypervisor_params.h"
#include "daemon/master/lu/instance/disk_helpers.h"
#include "daemon/master/lu/instance/instance_helpers.h"
#include "daemon/master/lu/instance/set_params_mods.h"

namespace gantry::daemon::master {
namespace {
using core::config::jsonPointer;
using core::config::StoreOp;
using nlohmann::json;

constexpr std::chrono::seconds kDiskTimeout{300};
const std::set<std::string> kNicModes = {"bridged", "routed", "openvswitch"};

bool isDefault(const json& value) { return value.is_string() && value == "default"; }

[[noreturn]] void unknownParameter(const std::string& key) {
  throw PrereqError("Unknown parameter '" + key + "'", sdk::ErrorCode::kInvalid);
}


class LuInstanceSetParams : public InstanceLogicalUnit {
 public:
  using InstanceLogicalUnit::InstanceLogicalUnit;
  std::string hooksPath() const override { return "instance-modify"; }
  std::map<std::string, std::string> extraHooksEnv() const override {
    std::map<std::string, std::string> env = {{"INSTANCE_NAME", name_}};
    if (op.has("runtime_mem")) env["RUNTIME_MEMORY"] = std::to_string(op.getInt("runtime_mem"));
    return env;
  }

  void checkPrereq() override {
    loadInstance();
    instance_ = instanceObject();
    cluster_ = doc().value("cluster", json::object());
    diskMods_ = parseDeviceMods(op.get("disks"), "disk");
    nicMods_ = parseDeviceMods(op.get("nics"), "NIC");
    const bool anyChange =
        !diskMods_.empty() || !nicMods_.empty() || !op.get("beparams").empty() ||
        !op.get("hvparams").empty() || !op.get("osparams").empty() || op.has("os_name") ||
        op.has("offline") || op.has("runtime_mem") || op.has("disk_template") ||
        op.has("pnode");
    if (!anyChange) throw PrereqError("No changes submitted", sdk::ErrorCode::kInvalid);
    for (const char* unsupported : {"disk_template", "pnode"}) {
      if (op.has(unsupported) && !op.get(unsupported).is_null()) {
        throw PrereqError(std::string("Changing ") + unsupported + " is not supported yet",
                          sdk::ErrorCode::kInvalid);
      }
    }
    checkGlobalHvparams();
    description_ = describeInstance(doc(), uuid_);
    running_ = needsRunState() ? runningNow() : false;
    prepareDisks();
    prepareNics();
    prepareHvparams();
    prepareBeparams();
    prepareRuntimeMemory();
    prepareOs();
    prepareOffline();
  }

  json exec() override {
    if (runtimeMemory_) {
      auto reply = callNode(services, nodeTarget(services, description_.primaryNode),
                            "instance_balloon_memory",
                            {{"instance", description_.instance}, {"memory", *runtimeMemory_}},
                            std::chrono::seconds(60));
      if (!reply.ok) throw ExecError("Cannot modify instance runtime memory: " + reply.msg);
    }
    std::vector<json> created;
    for (const auto& [diskUuid, disk] : newDisks_) {
      auto reply = callNode(services, nodeTarget(services, description_.primaryNode),
                            "blockdev_create", {{"disk", disk}}, kDiskTimeout);
      if (!reply.ok) {
        removeFromNode(created, false);
        throw ExecError("Can't create block device " + disk.value("iv_name", "") + " on node " +
                        description_.primaryNodeName + " for instance " + name_ + ": " +
                        reply.msg);
      }
      created.push_back(disk);
    }
    try {
      commitInstanceChange(services, feedback, uuid_, change_);
    } catch (...) {
      removeFromNode(created, false);
      throw;
    }
    removeFromNode(removedDisks_, true);
    return entries_;
  }

 private:
  // --- parameters ---------------------------------------------------------

  void checkGlobalHvparams() const {
    std::string globals;
    for (const auto& [key, value] : op.get("hvparams").items()) {
      const auto& list = core::config::hvGlobalParams();
      if (std::find(list.begin(), list.end(), key) != list.end()) {
        globals += (globals.empty() ? "" : ", ") + key;
      }
    }
    if (!globals.empty()) {
      throw PrereqError("The following hypervisor parameters are global and cannot be "
                        "customized at instance level, please modify them at cluster level: " +
                            globals,
                        sdk::ErrorCode::kInvalid);
    }
  }

  // The instance's own parameters of `section` with `requested` applied:
  // "default" drops the key (the cluster value applies again), other
  // values are checked against `defaults` and typed after them.
  json updatedParams(const std::string& section, const json& requested, const json& defaults,
                     const std::string& entryPrefix) {
    json own = instance_.value(section, json::object());
    const json requestedCopy = requested;
    for (const auto& [key, value] : requestedCopy.items()) {
      if (!defaults.is_null() && !defaults.contains(key)) unknownParameter(key);
      if (isDefault(value)) {
        own.erase(key);
        entries_.push_back(json::array({entryPrefix + key, "default"}));
        continue;
      }
      json typed = value;
      if (!defaults.is_null()) {
        auto coerced = coerceParam(defaults.at(key), value);
        if (!coerced) {
          throw PrereqError("Invalid value " + value.dump() + " for parameter '" + key + "'",
                            sdk::ErrorCode::kInvalid);
        }
        typed = *coerced;
      }
      own[key] = typed;
      entries_.push_back(json::array({entryPrefix + key, typed}));
    }
    return own;
  }

  void prepareHvparams() {
    const json requested = op.get("hvparams");
    if (requested.empty()) return;
    const std::string hypervisor = instance_.value("hypervisor", "");
    const json own = updatedParams("hvparams", requested, core::config::hvDefaults(hypervisor),
                                   "hv/");
    json probe = instance_;
    probe["hvparams"] = own;
    requireValidHypervisorParams(services, hypervisor, filledHvparams(doc(), probe));
    change_.push_back(StoreOp::put(jsonPointer({"instances", uuid_, "hvparams"}), own));
  }

  void prepareBeparams() {
    json requested = op.get("beparams");
    if (requested.empty()) return;
    // Ganeti's UpgradeBeParams: "memory" is both bounds.
    if (requested.contains("memory")) {
      requested["maxmem"] = requested["memory"];
      requested["minmem"] = requested["memory"];
      requested.erase("memory");
    }
    const json own =
        updatedParams("beparams", requested, core::config::beDefaults(), "be/");
    json probe = instance_;
    probe["beparams"] = own;
    const json filled = filledBeparams(doc(), probe);
    for (const char* key : {"maxmem", "minmem", "vcpus"}) {
      if (filled.value(key, 1) <= 0) {
        throw PrereqError(std::string("Invalid value for backend parameter ") + key + ": " +
                              filled[key].dump(),
                          sdk::ErrorCode::kInvalid);
      }
    }
    if (filled.value("minmem", 0) > filled.value("maxmem", 0)) {
      throw PrereqError("Minimum memory (" + filled["minmem"].dump() +
                            ") cannot be greater than maximum memory (" +
                            filled["maxmem"].dump() + ")",
                        sdk::ErrorCode::kInvalid);
    }
    checkMemoryGrowth(requested, filled);
    change_.push_back(StoreOp::put(jsonPointer({"instances", uuid_, "beparams"}), own));
    proposedBeparams_ = own;
  }

  // Ganeti's runtime_mem: the memory of the running instance changed in
  // place (ballooning), between its proposed minimum and maximum unless
  // forced; what it grows by must be free on the primary node.
  void prepareRuntimeMemory() {
    if (!op.has("runtime_mem")) return;
    const std::int64_t wanted = op.getInt("runtime_mem");
    const std::string hypervisor = instance_.value("hypervisor", "");
    const auto live = liveInstanceInfo(services, description_, hypervisor);
    if (!live) {
      throw PrereqError("Error checking node " + description_.primaryNodeName + ": " +
                            live.error().message,
                        sdk::ErrorCode::kEnvironment);
    }
    if (!live->has_value()) {
      throw PrereqError("Instance " + name_ + " is not running", sdk::ErrorCode::kState);
    }
    const std::int64_t current = (**live).value("memory", std::int64_t{0});
    json probe = instance_;
    if (proposedBeparams_) probe["beparams"] = *proposedBeparams_;
    const json filled = filledBeparams(doc(), probe);
    const std::int64_t minmem = filled.value("minmem", std::int64_t{0});
    const std::int64_t maxmem = filled.value("maxmem", std::int64_t{0});
    if (!op.getBool("force") && (wanted > maxmem || wanted < minmem)) {
      throw PrereqError("Instance " + name_ + " must have memory between " +
                            std::to_string(minmem) + " and " + std::to_string(maxmem) +
                            " MB of memory unless --force is given",
                        sdk::ErrorCode::kInvalid);
    }
    if (wanted > current) {
      requireFreeMemory(services, description_.primaryNode, hypervisor, wanted - current,
                        "ballooning memory for instance " + name_);
    }
    runtimeMemory_ = wanted;
    // Ganeti lists it first, before the parameter changes.
    entries_.insert(entries_.begin(), json::array({"runtime_memory", wanted}));
  }

  // Ganeti's _ProcessMem: more maximum memory for an instance that should
  // run must still fit on its primary node, unless forced.
  void checkMemoryGrowth(const json& requested, const json& filled) {
    if (!requested.contains("maxmem") || op.getBool("force")) return;
    const auto before = filledBeparams(doc(), instance_).value("maxmem", 0);
    const auto after = filled.value("maxmem", 0);
    if (after <= before || description_.primaryNode.value("offline", false)) return;
    auto info = callNode(services, nodeTarget(services, description_.primaryNode), "node_info",
                         {{"hypervisor", instance_.value("hypervisor", "")}},
                         std::chrono::seconds(10));
    if (!info.ok || !info.result.contains("memory_free")) {
      feedback.warning("Can't get info from primary node " + description_.primaryNodeName +
                       ": " + (info.ok ? std::string("no free memory information") : info.msg));
      return;
    }
    const std::int64_t current = running_ ? before : 0;
    const std::int64_t missing = after - current - info.result["memory_free"].get<std::int64_t>();
    if (missing > 0) {
      throw PrereqError("This change will prevent the instance from starting, due to " +
                            std::to_string(missing) +
                            " MB of memory missing on its primary node",
                        sdk::ErrorCode::kNoResources);
    }
  }

  void prepareOs() {
    if (auto os = op.optString("os_name")) {
      requireOsOnNode(services, description_.primaryNode, *os, op.getBool("force_variant"));
      change_.push_back(StoreOp::put(jsonPointer({"instances", uuid_, "os"}), *os));
    }
    const json requested = op.get("osparams");
    json proposed = doc().at("instances").at(uuid_);
    if (auto os = op.optString("os_name")) proposed["os"] = *os;
    if (!requested.empty()) {
      proposed["osparams"] = updatedParams("osparams", requested, json(nullptr), "os/");
      change_.push_back(
          StoreOp::put(jsonPointer({"instances", uuid_, "osparams"}), proposed["osparams"]));
    }
    // As Ganeti: the parameters are checked (against the new OS, if one
    // is given) only when parameters are given; an OS change alone keeps
    // them unchecked until the reinstall checks them.
    if (!requested.empty()) {
      requireValidOsParams(services, description_.primaryNode, proposed.value("os", ""),
                           filledOsparams(doc(), proposed), op.getBool("force_variant"));
    }
  }

  void prepareOffline() {
    if (!op.has("offline") || op.get("offline").is_null()) return;
    const bool offline = op.getBool("offline");
    const std::string state = instance_.value("admin_state", "down");
    if (offline && state != "down") {
      throw PrereqError("Instance '" + name_ + "' is marked to be " + state +
                            ", can't change to offline without being down first",
                        sdk::ErrorCode::kState);
    }
    if (offline && running_) {
      throw PrereqError("Instance " + name_ +
                            " is running, can't change to offline without being down first",
                        sdk::ErrorCode::kState);
    }
    if (!offline && state != "offline") {
      throw PrereqError("Instance '" + name_ + "' is marked to be " + state +
                            ", can't change to online (down) without being offline first",
                        sdk::ErrorCode::kState);
    }
    const std::string target = offline ? "offline" : "down";
    change_.push_back(StoreOp::put(jsonPointer({"instances", uuid_, "admin_state"}), target));
    entries_.push_back(json::array({"admin_state", target}));
  }

  // --- disks ----------------------------------------------------------------

  std::vector<json> currentDisks() const {
    std::vector<json> out;
    for (const auto& uuid : instance_.value("disks", json::array())) {
      out.push_back(doc().at("disks").at(uuid.get<std::string>()));
    }
    return out;
  }

  std::string instanceTemplate(const std::vector<json>& disks) const {
    return disks.empty() ? "diskless" : disks.front().value("dev_type", "diskless");
  }

  void prepareDisks() {
    if (diskMods_.empty()) return;
    std::vector<json> disks = currentDisks();
    const std::string templateName = instanceTemplate(disks);
    json diskUuids = instance_.value("disks", json::array());
    json diskEntries = json::array();
    for (const auto& mod : diskMods_) {
      switch (mod.op) {
        case DeviceMod::Op::kAdd:
          addDisk(mod, templateName, disks, diskUuids);
          break;
        case DeviceMod::Op::kRemove:
          removeDisk(mod, disks, diskUuids);
          break;
        case DeviceMod::Op::kModify:
          modifyDisk(mod, disks);
          break;
        case DeviceMod::Op::kAttach:
        case DeviceMod::Op::kDetach:
          throw PrereqError("Attaching and detaching disks is not supported yet",
                            sdk::ErrorCode::kInvalid);
      }
    }
    // Ganeti renumbers iv_name after a removal: disk/<position>.
    for (std::size_t i = 0; i < disks.size(); ++i) {
      const std::string ivName = "disk/" + std::to_string(i);
      const std::string uuid = disks[i].value("uuid", "");
      if (disks[i].value("iv_name", "") == ivName) continue;
      disks[i]["iv_name"] = ivName;
      if (isNewDisk(uuid)) continue;
      change_.push_back(StoreOp::put(jsonPointer({"disks", uuid, "iv_name"}), ivName));
    }
    for (auto& [uuid, spec] : newDisks_) {
      for (const auto& d : disks) {
        if (d.value("uuid", "") != uuid) continue;
        change_.push_back(StoreOp::put(jsonPointer({"disks", uuid}), d));
        spec = diskSpecOf(d, disks);
      }
    }
    change_.push_back(StoreOp::put(jsonPointer({"instances", uuid_, "disks"}), diskUuids));
  }

  bool isNewDisk(const std::string& uuid) const {
    return std::any_of(newDisks_.begin(), newDisks_.end(),
                       [&](const auto& entry) { return entry.first == uuid; });
  }

  // The node's form of config disk `disk`, as the instance will have it.
  json diskSpecOf(const json& disk, const std::vector<json>& disks) const {
    json trial = doc();
    json uuids = json::array();
    for (const auto& d : disks) {
      trial["disks"][d.value("uuid", "")] = d;
      uuids.push_back(d.value("uuid", ""));
    }
    trial["instances"][uuid_]["disks"] = uuids;
    const InstanceDescription description = describeInstance(trial, uuid_);
    for (std::size_t i = 0; i < disks.size(); ++i) {
      if (disks[i].value("uuid", "") == disk.value("uuid", "")) return description.disks.at(i);
    }
    throw ExecError("Disk " + disk.value("uuid", "") + " vanished");
  }

  void addDisk(const DeviceMod& mod, const std::string& instanceTemplate, std::vector<json>& disks,
               json& diskUuids) {
    json params = mod.params;
    const std::string devType = params.value("dev_type", instanceTemplate);
    if (instanceTemplate == "diskless" && !params.contains("dev_type")) {
      throw PrereqError("Must specify disk type on diskless instance", sdk::ErrorCode::kInvalid);
    }
    if (devType != "file" && devType != "sharedfile") {
      throw PrereqError("Adding disks of template '" + devType + "' is not supported yet",
                        sdk::ErrorCode::kInvalid);
    }
    for (const auto& [key, value] : params.items()) {
      static const std::set<std::string> known = {"size", "mode", "name", "dev_type", "spindles"};
      if (!known.count(key)) unknownParameter(key);
    }
    if (!params.contains("size")) {
      throw PrereqError("Required disk parameter 'size' missing", sdk::ErrorCode::kInvalid);
    }
    auto size = coerceParam(json(0), params["size"]);
    if (!size || size->get<std::int64_t>() <= 0) {
      throw PrereqError("Invalid disk size '" + pythonText(params["size"]) + "'",
                        sdk::ErrorCode::kInvalid);
    }
    const std::string mode = params.value("mode", "rw");
    if (mode != "rw" && mode != "ro") {
      throw PrereqError("Invalid disk access mode '" + mode + "'", sdk::ErrorCode::kInvalid);
    }
    int position = mod.index.value_or(-1);
    if (position == -1) position = static_cast<int>(disks.size());
    if (position < 0 || position > static_cast<int>(disks.size())) {
      throw PrereqError("Got disk index " + std::to_string(position) + ", but there are only " +
                            std::to_string(disks.size()),
                        sdk::ErrorCode::kInvalid);
    }
    const std::string uuid = core::cluster::newUuid();
    const double now = nowSeconds();
    json disk = {{"uuid", uuid},
                 {"dev_type", devType},
                 {"children", json::array()},
                 {"iv_name", "disk/" + std::to_string(position)},
                 {"size", *size},
                 {"mode", mode},
                 {"params", json::object()},
                 {"serial_no", 1},
                 {"ctime", now},
                 {"mtime", now},
                 {"nodes", devType == "file" ? json::array({instance_.value("primary_node", "")})
                                             : json::array()}};
    if (params.contains("name") && !params["name"].is_null()) disk["name"] = params["name"];
    disk["logical_id"] = fileDiskLogicalId(cluster_, devType, "", name_, "loop", uuid,
                                           static_cast<std::size_t>(position));
    disks.insert(disks.begin() + position, disk);
    diskUuids.insert(diskUuids.begin() + position, uuid);
    newDisks_.emplace_back(uuid, json());
    entries_.push_back(json::array({"disk/" + std::to_string(position),
                                    "add:size=" + size->dump() + ",mode=" + mode}));
  }

  void removeDisk(const DeviceMod& mod, std::vector<json>& disks, json& diskUuids) {
    const std::size_t index = resolveDeviceIndex(mod, disks, "disk");
    if (disks.size() == 1) {
      throw PrereqError("Cannot remove the last disk of instance " + name_ +
                            "; remove the instance instead",
                        sdk::ErrorCode::kInvalid);
    }
    requireInstanceState(services, feedback, doc(), uuid_, {"down", "offline"},
                         "can't remove volume from a running instance without using hotplug");
    const std::string uuid = disks[index].value("uuid", "");
    if (!isNewDisk(uuid)) {
      removedDisks_.push_back(diskSpecOf(disks[index], disks));
      change_.push_back(StoreOp::remove(jsonPointer({"disks", uuid})));
    }
    disks.erase(disks.begin() + static_cast<std::ptrdiff_t>(index));
    diskUuids.erase(index);
    entries_.push_back(json::array({"disk/" + std::to_string(index), "remove"}));
  }

  void modifyDisk(const DeviceMod& mod, std::vector<json>& disks) {
    const std::size_t index = resolveDeviceIndex(mod, disks, "disk");
    const std::string uuid = disks[index].value("uuid", "");
    for (const auto& [key, value] : mod.params.items()) {
      if (key == "size") {
        throw PrereqError("Disk size change not possible, use grow-disk",
                          sdk::ErrorCode::kInvalid);
      }
      if (key != "mode" && key != "name") unknownParameter(key);
      if (key == "mode" && value != "rw" && value != "ro") {
        throw PrereqError("Invalid disk access mode '" + pythonText(value) + "'",
                          sdk::ErrorCode::kInvalid);
      }
      disks[index][key] = value;
      change_.push_back(StoreOp::put(jsonPointer({"disks", uuid, key}), value));
      entries_.push_back(json::array({"disk." + key + "/" + std::to_string(index), value}));
    }
  }

  // Removes `disks` from the primary; failures are warnings (the config no
  // longer knows them, so cluster verify reports what is left).
  void removeFromNode(const std::vector<json>& disks, bool announce) {
    for (const auto& disk : disks) {
      auto reply = callNode(services, nodeTarget(services, description_.primaryNode),
                            "blockdev_remove", {{"disk", disk}}, kDiskTimeout);
      if (!reply.ok && announce) {
        feedback.warning("Could not remove disk " + disk.value("iv_name", "") + " on node " +
                         description_.primaryNodeName + ", continuing anyway: " + reply.msg);
      }
    }
  }

  // --- NICs -------------------------------------------------------------------



  void checkNicParams(const json& params) const {
    static const std::set<std::string> known = {"mac", "ip", "mode", "link", "vlan",
                                                "name", "network", "bridge"};
    for (const auto& [key, value] : params.items()) {
      if (!known.count(key)) unknownParameter(key);
    }
    if (params.contains("mode") && !kNicModes.count(params.value("mode", ""))) {
      throw PrereqError("Invalid NIC mode '" + pythonText(params["mode"]) + "'",
                        sdk::ErrorCode::kInvalid);
    }
  }

  std::string nicMac(const json& params, bool adding, std::set<std::string>& macs) const {
    std::string mac = params.value("mac", adding ? "auto" : "");
    if (mac == "auto" && !adding) {
      throw PrereqError("'auto' is not a valid MAC address when modifying an existing NIC",
                        sdk::ErrorCode::kInvalid);
    }
    if (mac == "auto" || mac == "generate") {
      const std::string prefix = cluster_.value("mac_prefix", "aa:00:00");
      mac = generateMac(prefix, macs);
    } else if (macs.count(mac)) {
      throw PrereqError("MAC address '" + mac + "' already in use in cluster",
                        sdk::ErrorCode::kNotUnique);
    }
    macs.insert(mac);
    return mac;
  }

  void prepareNics() {
    if (nicMods_.empty()) return;
    std::vector<json> nics;
    for (const auto& nic : instance_.value("nics", json::array())) nics.push_back(nic);
    std::set<std::string> macs = macsInUse(doc());
    const json defaults = cluster_.value("nicparams", json::object()).value("default",
                                                                            core::config::nicDefaults());
    for (const auto& mod : nicMods_) {
      checkNicParams(mod.params);
      json params = mod.params;
      if (params.contains("bridge")) {
        params["link"] = params["bridge"];
        params.erase("bridge");
      }
      if (mod.op == DeviceMod::Op::kAttach || mod.op == DeviceMod::Op::kDetach) {
        throw PrereqError(std::string(mod.op == DeviceMod::Op::kAttach ? "Attach" : "Detach") +
                              " operation is not supported for NICs",
                          sdk::ErrorCode::kInvalid);
      }
      if (mod.op == DeviceMod::Op::kAdd) {
        int position = mod.index.value_or(-1);
        if (position == -1) position = static_cast<int>(nics.size());
        if (position < 0 || position > static_cast<int>(nics.size())) {
          throw PrereqError("Got NIC index " + std::to_string(position) +
                                ", but there are only " + std::to_string(nics.size()),
                            sdk::ErrorCode::kInvalid);
        }
        json nic = {{"uuid", core::cluster::newUuid()},
                    {"mac", nicMac(params, true, macs)},
                    {"ip", params.contains("ip") && params["ip"] != "none" ? params["ip"]
                                                                          : json(nullptr)},
                    {"nicparams", json::object()}};
        for (const char* key : {"mode", "link", "vlan"}) {
          if (params.contains(key)) nic["nicparams"][key] = params[key];
        }
        if (params.contains("name")) nic["name"] = params["name"];
        if (params.contains("network")) nic["network"] = params["network"];
        json filled = defaults;
        for (const auto& [k, v] : nic["nicparams"].items()) filled[k] = v;
        entries_.push_back(json::array(
            {"nic." + std::to_string(position),
             "add:mac=" + nic["mac"].get<std::string>() + ",ip=" + pythonText(nic["ip"]) +
                 ",mode=" + pythonText(filled.value("mode", json(""))) +
                 ",link=" + pythonText(filled.value("link", json(""))) +
                 ",network=" + pythonText(nic.value("network", json(nullptr)))}));
        nics.insert(nics.begin() + position, nic);
      } else if (mod.op == DeviceMod::Op::kRemove) {
        const std::size_t index = resolveDeviceIndex(mod, nics, "NIC");
        macs.erase(nics[index].value("mac", ""));
        nics.erase(nics.begin() + static_cast<std::ptrdiff_t>(index));
        entries_.push_back(json::array({"NIC/" + std::to_string(index), "remove"}));
      } else {
        const std::size_t index = resolveDeviceIndex(mod, nics, "NIC");
        json& nic = nics[index];
        const std::string suffix = "/" + std::to_string(index);
        if (params.contains("mac")) {
          macs.erase(nic.value("mac", ""));
          nic["mac"] = nicMac(params, false, macs);
          entries_.push_back(json::array({"nic.mac" + suffix, nic["mac"]}));
        }
        for (const char* key : {"ip", "name", "network"}) {
          if (!params.contains(key)) continue;
          nic[key] = params[key] == "none" ? json(nullptr) : params[key];
          entries_.push_back(json::array({"nic." + std::string(key) + suffix, nic[key]}));
        }
        bool paramsChanged = false;
        for (const char* key : {"mode", "link", "vlan"}) {
          if (!params.contains(key)) continue;
          if (isDefault(params[key])) {
            nic["nicparams"].erase(key);
          } else {
            nic["nicparams"][key] = params[key];
          }
          paramsChanged = true;
        }
        if (paramsChanged) {
          json filled = defaults;
          for (const auto& [k, v] : nic["nicparams"].items()) filled[k] = v;
          for (const char* key : {"mode", "link", "vlan"}) {
            entries_.push_back(
                json::array({"nic." + std::string(key) + suffix, filled.value(key, json(""))}));
          }
        }
      }
    }
    json list = json::array();
    for (auto& nic : nics) list.push_back(std::move(nic));
    change_.push_back(StoreOp::put(jsonPointer({"instances", uuid_, "nics"}), list));
  }

  // --- state ----------------------------------------------------------------

  bool needsRunState() const {
    const bool removesDisk =
        std::any_of(diskMods_.begin(), diskMods_.end(),
                    [](const DeviceMod& m) { return m.op == DeviceMod::Op::kRemove; });
    return removesDisk || op.has("offline") || op.get("beparams").contains("maxmem") ||
           op.get("beparams").contains("memory");
  }

  bool runningNow() {
    if (description_.primaryNode.value("offline", false)) return false;
    return instanceRunning(services, description_, instance_.value("hypervisor", ""))
        .value_or(false);
  }

  json instance_, cluster_;
  std::optional<json> proposedBeparams_;      // the instance's own, after -B
  std::optional<std::int64_t> runtimeMemory_;  // MiB, for a running instance
  InstanceDescription description_;
  bool running_ = false;
  std::vector<DeviceMod> diskMods_, nicMods_;
  core::config::StoreChange change_;
  json entries_ = json::array();
  std::vector<std::pair<std::string, json>> newDisks_;  // uuid, node spec
  std::vector<json> removedDisks_;                      // node specs
};

}  // namespace

void registerInstanceSetParams() {
  registerLogicalUnit("OP_INSTANCE_SET_PARAMS", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuInstanceSetParams>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
