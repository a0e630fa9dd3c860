// OP_INSTANCE_MULTI_ALLOC (gnt-instance batch-create): checks a list of
// OP_INSTANCE_CREATE definitions as a whole and submits one create job per
// instance; each job then does its own checks. Node choice by an
// allocator comes with the allocator integration; until then every
// definition must name its nodes.
#include <map>
#include <set>

#include "core/config/store.h"
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
    definitions_ = op.get("instances");
    if (!definitions_.is_array()) throw PrereqError("The instance definitions must be a list");
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
    if (withNodes == 0 && !definitions_.empty()) {
      const json doc = services.config->get("");
      const std::string allocator = op.optString("iallocator").value_or(
          doc.value("cluster", json::object()).value("default_iallocator", ""));
      if (allocator.empty()) {
        throw PrereqError(
            "No iallocator or nodes on the instances given and no cluster-wide default "
            "iallocator found; please specify either an iallocator or nodes on the instances "
            "or set a cluster-wide default iallocator",
            sdk::ErrorCode::kInvalid);
      }
      throw PrereqError("Can't compute nodes using iallocator '" + allocator +
                            "': instance allocators are not available on this cluster yet",
                        sdk::ErrorCode::kNoResources);
    }
  }

  json exec() override {
    json allocatable = json::array();
    for (const auto& definition : definitions_) {
      json create = definition;
      create["OP_ID"] = "OP_INSTANCE_CREATE";
      jobsToSubmit.push_back({create});
      allocatable.push_back(definition.value("instance_name", ""));
    }
    return {{"allocatable", allocatable}, {"failed", json::array()}};
  }

 private:
  json definitions_;
};

}  // namespace

void registerInstanceMultiAlloc() {
  registerLogicalUnit("OP_INSTANCE_MULTI_ALLOC", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuInstanceMultiAlloc>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
