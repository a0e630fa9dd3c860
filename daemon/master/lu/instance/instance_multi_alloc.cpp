// OP_INSTANCE_MULTI_ALLOC (gnt-instance batch-create): checks a list of
// OP_INSTANCE_CREATE definitions as a whole and submits one create job per
// instance; each job then does its own checks. Either every definition
// names its nodes or none does; then the allocator places them all in one
// multi-allocate request.
#include <map>
#include <set>

#include "core/config/store.h"
#include "daemon/master/allocator/allocator_call.h"
#include "daemon/master/allocator/allocator_input.h"
#include "daemon/master/lu/instance/instance_helpers.h"

namespace gantry::daemon::master {
namespace {
using nlohmann::json;

bool hasNode(const json& definition) {
  return definition.is_object() &&
         ((definition.contains("pnode") && !definition["pnode"].is_null()) ||
          (definition.contains("snode") && !definition["snode"].is_null()));
}

class LuInstanceMultiAlloc : public LogicalUnit {
 public:
  using LogicalUnit::LogicalUnit;
  bool requiresBgl() const override { return false; }

  void checkPrereq() override {
    if (services.config == nullptr) throw PrereqError("The cluster is not initialized");
    if (!op.get("instances").is_array()) {
      throw PrereqError("The instance definitions must be a list");
    }
    // Ganeti's clients send every field of each definition, None ("null")
    // for what was not given; null means the default, as for any opcode,
    // so it is dropped here before the definitions are read with defaults.
    definitions_ = json::array();
    for (const auto& definition : op.get("instances")) {
      definitions_.push_back(withoutNulls(definition));
    }
    std::size_t withNodes = 0;
    std::map<std::string, int> names;
    for (const auto& definition : definitions_) {
      if (!definition.is_object()) {
        throw PrereqError("Instance definition " + definition.dump() + " is not a dictionary");
      }
      if (definition.contains("iallocator") && !definition["iallocator"].is_null()) {
        throw PrereqError("iallocator are not allowed to be set on instance objects",
                          sdk::ErrorCode::kInvalid);
      }
      if (hasNode(definition)) ++withNodes;
      ++names[definition.value("instance_name", "")];
    }
    if (withNodes != 0 && withNodes != definitions_.size()) {
      throw PrereqError("There are instance objects providing pnode/snode while others do not",
                        sdk::ErrorCode::kInvalid);
    }
    std::string duplicates;
    for (const auto& [name, count] : names) {
      if (count > 1) duplicates += (duplicates.empty() ? "" : ", ") + name;
    }
    if (!duplicates.empty()) {
      throw PrereqError("There are duplicate instance names: " + duplicates,
                        sdk::ErrorCode::kInvalid);
    }
    if (withNodes == 0 && !definitions_.empty()) placeWithAllocator();
  }

  json exec() override {
    json allocatable = json::array();
    for (const auto& definition : definitions_) {
      const std::string name = definition.value("instance_name", "");
      if (std::find(failed_.begin(), failed_.end(), name) != failed_.end()) continue;
      json create = definition;
      create["OP_ID"] = "OP_INSTANCE_CREATE";
      if (auto placed = placement_.find(name); placed != placement_.end()) {
        create["pnode"] = placed->second.at(0);
        if (placed->second.size() > 1) create["snode"] = placed->second.at(1);
      }
      jobsToSubmit.push_back({create});
      allocatable.push_back(name);
    }
    return {{"allocatable", allocatable}, {"failed", failed_}};
  }

 private:
  // One multi-allocate request for all definitions; what the allocator
  // could not place is reported as failed and not created.
  void placeWithAllocator() {
    const auto snapshot = services.config->document();
    const json& doc = *snapshot;
    const auto allocator = chooseAllocator(doc, op.optString("iallocator"));
    if (!allocator) {
      throw PrereqError(
          "No iallocator or nodes on the instances given and no cluster-wide default "
          "iallocator found; please specify either an iallocator or nodes on the instances "
          "or set a cluster-wide default iallocator",
          sdk::ErrorCode::kInvalid);
    }
    json requests = json::array();
    for (const auto& definition : definitions_) {
      json create = definition;
      create["beparams"] = filledBeparams(doc, {{"beparams", upgradedBeparams(definition)}});
      if (!create.contains("disk_template")) {
        const json enabled =
            doc.value("cluster", json::object()).value("enabled_disk_templates", json::array());
        create["disk_template"] = enabled.empty() ? json("diskless") : enabled[0];
      }
      json request = allocateRequest(doc, create);
      request.erase("type");
      requests.push_back(request);
    }
    const json result = runAllocator(services, doc, *allocator,
                                     {{"type", "multi-allocate"}, {"instances", requests}});
    if (!result.is_array() || result.size() != 2 || !result[0].is_array() ||
        !result[1].is_array()) {
      throw ExecError("iallocator returned invalid result, expected [allocatable, failed], got " +
                      result.dump());
    }
    for (const auto& entry : result[0]) {
      const std::string name = entry.at(0).get<std::string>();
      placement_[name] = entry.at(1).get<std::vector<std::string>>();
      std::string nodes;
      for (const auto& n : placement_[name]) nodes += (nodes.empty() ? "" : ", ") + n;
      feedback.info("Selected nodes for instance " + name + " via iallocator " + *allocator +
                    ": " + nodes);
    }
    for (const auto& entry : result[1]) {
      failed_.push_back(entry.is_array() ? entry.at(0) : entry);
    }
  }

  static json withoutNulls(const json& definition) {
    if (!definition.is_object()) return definition;
    json kept = json::object();
    for (const auto& [key, value] : definition.items()) {
      if (!value.is_null()) kept[key] = value;
    }
    return kept;
  }

  // Ganeti's UpgradeBeParams: "memory" is both bounds.
  static json upgradedBeparams(const json& definition) {
    json be = definition.value("beparams", json::object());
    if (be.contains("memory")) {
      be["maxmem"] = be["memory"];
      be["minmem"] = be["memory"];
      be.erase("memory");
    }
    return be;
  }

  json definitions_;
  std::map<std::string, std::vector<std::string>> placement_;
  json failed_ = json::array();
};

}  // namespace

void registerInstanceMultiAlloc() {
  registerLogicalUnit("OP_INSTANCE_MULTI_ALLOC", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuInstanceMultiAlloc>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
