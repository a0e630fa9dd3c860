// OP_INSTANCE_CREATE (mode "create"): checks the name, template, OS,
// hypervisor and node; creates the disks on the primary node through its
// storage plugins, adds the instance and its disks to the config, runs the
// OS create scripts and starts the instance, with Ganeti's step messages.
// Templates without a mirror only (file, sharedfile, diskless) until the
// DRBD storage exists; without -n the allocator (-I or the cluster's
// default) picks the node.
#include <iomanip>
#include <set>
#include <sstream>

#include "core/cluster/bootstrap.h"
#include "core/cluster/json_access.h"
#include "core/config/defaults.h"
#include "core/config/store.h"
#include "core/locking/lock_manager.h"
#include "core/rpc/secrets.h"
#include "daemon/master/allocator/allocator_call.h"
#include "daemon/master/allocator/allocator_input.h"
#include "daemon/master/cluster/config_helpers.h"
#include "daemon/master/cluster/config_push.h"
#include "daemon/master/cluster/node_rpc.h"
#include "daemon/master/instance/creation_record.h"
#include "daemon/master/instance/hypervisor_params.h"
#include "daemon/master/lu/instance/disk_helpers.h"
#include "daemon/master/lu/instance/instance_helpers.h"

namespace gantry::daemon::master {
namespace {
using core::config::jsonPointer;
using core::config::StoreOp;
using nlohmann::json;

constexpr std::chrono::seconds kDiskTimeout{300};
constexpr std::chrono::seconds kOsTimeout{3600};

bool contains(const json& list, const std::string& value) {
  return list.is_array() && std::find(list.begin(), list.end(), value) != list.end();
}

std::string joined(const json& list, const char* separator) {
  std::string out;
  for (const auto& item : list) out += (out.empty() ? "" : separator) + item.get<std::string>();
  return out;
}

// A MiB count from an opcode value: an integer or a string of digits.
std::optional<std::int64_t> mebibytes(const json& value) {
  if (value.is_number_integer()) return value.get<std::int64_t>();
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    if (!text.empty() && std::all_of(text.begin(), text.end(), ::isdigit)) {
      return std::stoll(text);
    }
  }
  return std::nullopt;
}

class LuInstanceCreate : public LogicalUnit {
 public:
  using LogicalUnit::LogicalUnit;

  std::string hooksPath() const override { return "instance-add"; }
  std::string hooksObjectType() const override { return "INSTANCE"; }
  std::map<std::string, std::string> hooksEnv() const override {
    return {{"INSTANCE_NAME", name_},
            {"INSTANCE_PRIMARY", pnodeName_},
            {"INSTANCE_OS_TYPE", os_},
            {"INSTANCE_DISK_TEMPLATE", template_},
            {"INSTANCE_HYPERVISOR", hypervisor_},
            {"INSTANCE_ADD_MODE", "create"}};
  }
  HooksNodes hooksNodes() const override {
    const std::string master = masterNodeName();
    return {{master, pnodeName_}, {master, pnodeName_}};
  }

  void checkPrereq() override {
    if (services.config == nullptr) throw PrereqError("The cluster is not initialized");
    config_ = services.config->document();
    const json cluster = doc().value("cluster", json::object());
    name_ = op.getString("instance_name");
    if (op.getString("mode") != "create") {
      throw PrereqError("Instance " + op.getString("mode") + " is not implemented yet",
                        sdk::ErrorCode::kInvalid);
    }
    if (!instanceUuidByName(doc(), name_).empty()) {
      throw PrereqError("Instance '" + name_ + "' is already in the cluster",
                        sdk::ErrorCode::kExists);
    }

    const json enabledTemplates = cluster.value("enabled_disk_templates", json::array());
    template_ = op.optString("disk_template")
                    .value_or(enabledTemplates.empty() ? "" : enabledTemplates[0].get<std::string>());
    if (!contains(enabledTemplates, template_)) {
      throw PrereqError("Cannot create an instance with disk template '" + template_ +
                            "', because it is not enabled in the cluster. Enabled disk "
                            "templates are: " + joined(enabledTemplates, ",") + ".",
                        sdk::ErrorCode::kState);
    }
    if (template_ != "file" && template_ != "sharedfile" && template_ != "diskless") {
      throw PrereqError("Disk template '" + template_ + "' is not supported yet",
                        sdk::ErrorCode::kInvalid);
    }
    checkDisks();

    const json enabledHvs = cluster.value("enabled_hypervisors", json::array());
    hypervisor_ = op.optString("hypervisor")
                      .value_or(enabledHvs.empty() ? "" : enabledHvs[0].get<std::string>());
    if (!contains(enabledHvs, hypervisor_)) {
      throw PrereqError("Selected hypervisor (" + hypervisor_ +
                            ") not enabled in the cluster (" + joined(enabledHvs, ",") + ")",
                        sdk::ErrorCode::kState);
    }
    checkHvparams();
    checkMacs();

    buildBeparams();
    auto pnode = op.optString("pnode");
    requireAllocatorOrNode(op.optString("iallocator"), pnode);
    if (!pnode) pnode = nodeFromAllocator();
    pnodeUuid_ = nodeUuidByName(doc(), *pnode);
    const json& node = doc().at("nodes").at(pnodeUuid_);
    pnodeName_ = node.value("name", "");
    requireOnlineNode(node);
    if (node.value("drained", false)) {
      throw PrereqError("Cannot use drained node " + pnodeName_, sdk::ErrorCode::kState);
    }
    if (!node.value("vm_capable", true)) {
      throw PrereqError("Can't use non-vm_capable node " + pnodeName_, sdk::ErrorCode::kState);
    }

    noInstall_ = op.has("no_install") && !op.get("no_install").is_null() && op.getBool("no_install");
    os_ = op.optString("os_type").value_or("");
    if (os_.empty() && !noInstall_) {
      throw PrereqError("No guest OS or OS image specified", sdk::ErrorCode::kInvalid);
    }
    if (!os_.empty()) {
      requireOsOnNode(services, node, os_, op.getBool("force_variant"));
      const json proposed = {
          {"os", os_},
          {"osparams", op.get("osparams").is_object() ? op.get("osparams") : json::object()}};
      requireValidOsParams(services, node, os_, filledOsparams(doc(), proposed),
                           op.getBool("force_variant"));
    }
    if (op.getBool("start")) {
      requireFreeMemory(services, node, hypervisor_, beparams_.value("maxmem", 128),
                        "creating instance " + name_);
    }
  }

  json exec() override {
    const double now = nowSeconds();
    const std::string uuid = core::cluster::newUuid();
    const json cluster = doc().value("cluster", json::object());
    json diskObjects = json::array();
    for (std::size_t i = 0; i < disks_.size(); ++i) {
      diskObjects.push_back(diskObject(cluster, i, now));
    }

    json instance = {{"name", name_},
                     {"uuid", uuid},
                     {"primary_node", pnodeUuid_},
                     {"os", os_},
                     {"hypervisor", hypervisor_},
                     {"hvparams", op.get("hvparams").is_object() ? op.get("hvparams") : json::object()},
                     {"beparams", customBeparams_},
                     {"osparams", op.get("osparams").is_object() ? op.get("osparams") : json::object()},
                     {"osparams_private", json::object()},
                     {"admin_state", "down"},
                     {"admin_state_source", "admin"},
                     {"nics", nicObjects(cluster)},
                     {"disks", json::array()},
                     {"disks_active", true},
                     {"serial_no", 1},
                     {"ctime", now},
                     {"mtime", now},
                     {"tags", op.get("tags")}};
    for (const auto& d : diskObjects) instance["disks"].push_back(d["uuid"]);

    // The description the node needs, before the config knows the instance:
    // the config with this instance and its disks in place of all the
    // others (a new instance refers to none of them; copying them all would
    // make each add cost as much as the cluster is large).
    json trial = json::object();
    for (const auto& [key, value] : doc().items()) {
      if (key != "instances" && key != "disks") trial[key] = value;
    }
    trial["instances"][uuid] = instance;
    trial["disks"] = json::object();
    for (const auto& d : diskObjects) trial["disks"][d["uuid"].get<std::string>()] = d;
    InstanceDescription description = describeInstance(trial, uuid);

    // Dropped when exec ends; a master killed before that undoes the
    // creation when it starts again.
    CreationRecord record(services, name_, uuid);
    if (!diskObjects.empty()) {
      feedback.message("* creating instance disks...");
      createDisks(description, record);
    }

    feedback.message("adding instance " + name_ + " to cluster config");
    core::config::StoreChange change = {StoreOp::put(jsonPointer({"instances", uuid}), instance)};
    for (const auto& d : diskObjects) {
      change.push_back(StoreOp::put(jsonPointer({"disks", d["uuid"].get<std::string>()}), d));
    }
    bumpCluster(doc(), change, now);
    commitAndDistribute(services, change, feedback);
    if (!diskObjects.empty()) feedback.message("adding disks to cluster config");
    if (services.locks != nullptr) {
      services.locks->add("instance-add:" + name_, core::locking::Level::kInstance, {name_});
    }

    if (!os_.empty() && !noInstall_ && !diskObjects.empty()) {
      feedback.message("* running the instance OS create scripts...");
      auto reply = callNode(services, nodeTarget(services, description.primaryNode),
                            "instance_os_add",
                            {{"instance", description.instance},
                             {"disks", description.disks},
                             {"osparams", instance["osparams"]},
                             {"debug", op.has("debug_level") ? op.get("debug_level") : json(0)}},
                            kOsTimeout);
      if (!reply.ok) {
        throw ExecError("Could not add os for instance " + name_ + " on node " + pnodeName_ +
                        ": " + reply.msg);
      }
    }

    if (op.getBool("start")) {
      core::config::StoreChange up = {
          StoreOp::put(jsonPointer({"instances", uuid, "admin_state"}), "up"),
          StoreOp::put(jsonPointer({"instances", uuid, "serial_no"}), 2),
          StoreOp::put(jsonPointer({"instances", uuid, "mtime"}), nowSeconds())};
      commitAndDistribute(services, up, feedback);
      feedback.message("* starting instance...");
      startOnPrimary(services, description);
    }
    return json::array({pnodeName_});
  }

 private:
  void checkDisks() {
    const json& disks = op.get("disks");
    if (template_ == "diskless") {
      if (!disks.empty()) {
        throw PrereqError("Diskless instances cannot have disks", sdk::ErrorCode::kInvalid);
      }
      return;
    }
    if (disks.empty()) throw PrereqError("No disk information specified", sdk::ErrorCode::kInvalid);
    for (const auto& disk : disks) {
      const auto size = disk.is_object() && disk.contains("size")
                            ? mebibytes(disk["size"])
                            : std::optional<std::int64_t>();
      if (!size || *size <= 0) {
        throw PrereqError("Invalid disk size '" +
                              (disk.is_object() && disk.contains("size") ? disk["size"].dump()
                                                                         : std::string("None")) +
                              "'",
                          sdk::ErrorCode::kInvalid);
      }
      const std::string mode = disk.value("mode", "rw");
      if (mode != "rw" && mode != "ro") {
        throw PrereqError("Invalid disk access mode '" + mode + "'", sdk::ErrorCode::kInvalid);
      }
      disks_.push_back({*size, mode, disk.value("name", json(nullptr))});
    }
  }

  // No node given: the opcode's allocator or the cluster's default picks
  // one (Ganeti's _RunAllocator).
  std::string nodeFromAllocator() {
    const auto allocator = chooseAllocator(doc(), op.optString("iallocator"));
    if (!allocator) {
      throw PrereqError(
          "No iallocator or node given and no cluster-wide default iallocator found; please "
          "specify either an iallocator or a node, or set a cluster-wide default iallocator",
          sdk::ErrorCode::kInvalid);
    }
    json disks = json::array();
    for (const auto& d : disks_) disks.push_back({{"size", d.size}, {"mode", d.mode}});
    const json create = {{"instance_name", name_},
                         {"disk_template", template_},
                         {"disks", disks},
                         {"nics", op.get("nics")},
                         {"beparams", beparams_},
                         {"os_type", op.optString("os_type").value_or("")},
                         {"tags", op.get("tags")},
                         {"hypervisor", hypervisor_},
                         {"group_name", op.has("group_name") ? op.get("group_name") : json(nullptr)}};
    const auto nodes = allocateNodes(services, doc(), *allocator, allocateRequest(doc(), create),
                                     static_cast<std::size_t>(requiredNodes(template_)));
    std::string names;
    for (const auto& n : nodes) names += (names.empty() ? "" : ", ") + n;
    feedback.info("Selected nodes for instance " + name_ + " via iallocator " + *allocator + ": " +
                  names);
    return nodes.front();
  }

  // A MAC given by the operator must be new to the cluster.
  void checkMacs() const {
    const std::set<std::string> inUse = macsInUse(doc());
    for (const auto& nic : op.get("nics")) {
      const std::string mac = nic.is_object() ? nic.value("mac", "auto") : "auto";
      if (mac != "auto" && mac != "generate" && inUse.count(mac)) {
        throw PrereqError("MAC address '" + mac + "' already in use in cluster",
                          sdk::ErrorCode::kNotUnique);
      }
    }
  }

  // Ganeti's CheckParamsNotGlobal and CheckParameterSyntax on what the
  // instance would run with.
  void checkHvparams() const {
    const json own = op.get("hvparams").is_object() ? op.get("hvparams") : json::object();
    const auto& globals = core::config::hvGlobalParams();
    std::string global;
    for (const auto& [key, value] : own.items()) {
      if (std::find(globals.begin(), globals.end(), key) != globals.end()) {
        global += (global.empty() ? "" : ", ") + key;
      }
    }
    if (!global.empty()) {
      throw PrereqError("The following hypervisor parameters are global and cannot be "
                        "customized at instance level, please modify them at cluster level: " +
                            global,
                        sdk::ErrorCode::kInvalid);
    }
    const json probe = {{"hypervisor", hypervisor_},
                        {"os", op.optString("os_type").value_or("")},
                        {"hvparams", own}};
    requireValidHypervisorParams(services, hypervisor_, filledHvparams(doc(), probe));
  }

  void buildBeparams() {
    customBeparams_ = op.get("beparams").is_object() ? op.get("beparams") : json::object();
    // Ganeti's UpgradeBeParams: "memory" sets both bounds.
    if (customBeparams_.contains("memory")) {
      customBeparams_["maxmem"] = customBeparams_["memory"];
      customBeparams_["minmem"] = customBeparams_["memory"];
      customBeparams_.erase("memory");
    }
    for (const char* key : {"maxmem", "minmem", "vcpus"}) {
      if (!customBeparams_.contains(key)) continue;
      auto value = mebibytes(customBeparams_[key]);
      if (!value || *value <= 0) {
        throw PrereqError("Invalid value for backend parameter " + std::string(key) + ": " +
                              customBeparams_[key].dump(),
                          sdk::ErrorCode::kInvalid);
      }
      customBeparams_[key] = *value;
    }
    json probe = {{"beparams", customBeparams_}};
    beparams_ = filledBeparams(doc(), probe);
    if (beparams_.value("minmem", 0) > beparams_.value("maxmem", 0)) {
      throw PrereqError("Minimum memory (" + beparams_["minmem"].dump() +
                            ") cannot be greater than maximum memory (" +
                            beparams_["maxmem"].dump() + ")",
                        sdk::ErrorCode::kInvalid);
    }
  }

  json diskObject(const json& cluster, std::size_t index, double now) const {
    const std::string uuid = core::cluster::newUuid();
    const auto& d = disks_[index];
    json disk = {{"uuid", uuid},
                 {"dev_type", template_},
                 {"children", json::array()},
                 {"iv_name", "disk/" + std::to_string(index)},
                 {"size", d.size},
                 {"mode", d.mode},
                 {"params", json::object()},
                 {"serial_no", 1},
                 {"ctime", now},
                 {"mtime", now}};
    if (!d.name.is_null()) disk["name"] = d.name;
    disk["logical_id"] =
        fileDiskLogicalId(cluster, template_, op.optString("file_storage_dir").value_or(""), name_,
                          op.optString("file_driver").value_or("loop"), uuid, index);
    disk["nodes"] = template_ == "file" ? json::array({pnodeUuid_}) : json::array();
    return disk;
  }

  json nicObjects(const json& cluster) const {
    json nics = json::array();
    const std::string prefix = cluster.value("mac_prefix", "aa:00:00");
    std::set<std::string> macs = macsInUse(doc());
    for (const auto& nic : op.get("nics")) {
      json object = {{"uuid", core::cluster::newUuid()}, {"nicparams", json::object()}};
      std::string mac = nic.value("mac", "auto");
      if (mac == "auto" || mac == "generate") mac = generateMac(prefix, macs);
      macs.insert(mac);
      object["mac"] = mac;
      object["ip"] = nic.contains("ip") ? nic["ip"] : json(nullptr);
      for (const char* key : {"mode", "link", "vlan"}) {
        if (nic.contains(key) && !nic[key].is_null()) object["nicparams"][key] = nic[key];
      }
      if (nic.contains("name") && !nic["name"].is_null()) object["name"] = nic["name"];
      nics.push_back(std::move(object));
    }
    return nics;
  }



  void createDisks(const InstanceDescription& description, CreationRecord& record) {
    const json target = description.primaryNode;
    std::vector<json> created;
    for (const auto& disk : description.disks) {
      record.addDisk(target, disk);
      auto reply = callNode(services, nodeTarget(services, target), "blockdev_create",
                            {{"disk", disk}}, kDiskTimeout);
      if (!reply.ok) {
        feedback.warning("Device creation failed");
        for (const auto& done : created) {
          (void)callNode(services, nodeTarget(services, target), "blockdev_remove",
                         {{"disk", done}}, kDiskTimeout);
        }
        throw ExecError("Can't create block device " + disk.value("iv_name", "") + " on node " +
                        pnodeName_ + " for instance " + name_ + ": " + reply.msg);
      }
      created.push_back(disk);
    }
  }

  struct DiskRequest {
    std::int64_t size;
    std::string mode;
    json name;
  };

  // The config as the prerequisites read it (shared, read-only).
  const json& doc() const { return *config_; }
  std::shared_ptr<const json> config_ = std::make_shared<const json>(json::object());
  std::string name_, template_, hypervisor_, pnodeUuid_, pnodeName_, os_;
  std::vector<DiskRequest> disks_;
  json customBeparams_, beparams_;
  bool noInstall_ = false;
};

}  // namespace

void registerInstanceCreate() {
  registerLogicalUnit("OP_INSTANCE_CREATE", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuInstanceCreate>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
