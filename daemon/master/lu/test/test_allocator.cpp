// OP_TEST_ALLOCATOR (gnt-debug allocator): builds the allocator input for
// a request described by the opcode ("in") or runs the allocator on it and
// returns the answer text ("out"), as Ganeti's LUTestAllocator does.
#include "core/config/store.h"
#include "daemon/master/allocator/allocator_call.h"
#include "daemon/master/allocator/allocator_input.h"
#include "daemon/master/instance/instance_description.h"
#include "daemon/master/lu/logical_unit.h"

namespace gantry::daemon::master {
namespace {
using nlohmann::json;

class LuTestAllocator : public LogicalUnit {
 public:
  using LogicalUnit::LogicalUnit;
  bool requiresBgl() const override { return false; }

  void checkPrereq() override {
    if (services.config == nullptr) throw PrereqError("The cluster is not initialized");
    doc_ = services.config->get("");
    const std::string mode = op.getString("mode");
    const std::string name = op.getString("name");
    if (mode == "allocate" || mode == "multi-allocate") {
      for (const char* required : {"memory", "disks", "disk_template", "os", "vcpus"}) {
        if (!op.has(required) || op.get(required).is_null()) {
          throw PrereqError(std::string("Missing attribute '") + required + "' on opcode input",
                            sdk::ErrorCode::kInvalid);
        }
      }
      request_ = allocateRequest(doc_, createParameters(name));
      if (mode == "multi-allocate") {
        json instances = json::array();
        for (std::int64_t i = 0; i < op.getInt("count"); ++i) {
          json one = allocateRequest(doc_, createParameters(name + "-" + std::to_string(i)));
          one.erase("type");
          instances.push_back(one);
        }
        request_ = {{"type", "multi-allocate"}, {"instances", instances}};
      }
    } else if (mode == "relocate") {
      const std::string uuid = instanceUuidByName(doc_, name);
      if (uuid.empty()) {
        throw PrereqError("Instance '" + name + "' not found for relocation",
                          sdk::ErrorCode::kNotFound);
      }
      const json& instance = doc_.at("instances").at(uuid);
      const std::string primary =
          doc_.at("nodes").at(instance.value("primary_node", "")).value("name", "");
      request_ = relocateRequest(doc_, uuid, {primary});
    } else if (mode == "node-evacuate") {
      request_ = nodeEvacuateRequest(op.get("instances").get<std::vector<std::string>>(),
                                     op.optString("evac_mode").value_or("all"));
    } else if (mode == "change-group") {
      request_ = {{"type", "change-group"},
                  {"instances", op.get("instances")},
                  {"target_groups", op.has("target_groups") ? op.get("target_groups")
                                                            : json::array()}};
    } else {
      throw PrereqError("Request mode '" + mode + "' is not supported yet",
                        sdk::ErrorCode::kInvalid);
    }
    if (op.getString("direction") == "out") {
      allocator_ = chooseAllocator(doc_, op.optString("iallocator"));
      if (!allocator_) {
        throw PrereqError("Missing allocator name", sdk::ErrorCode::kInvalid);
      }
    }
  }

  json exec() override {
    const json input = allocatorInput(services, doc_, request_);
    if (op.getString("direction") == "in") return input.dump(2);
    return runAllocatorRaw(services, doc_, *allocator_, input);
  }

 private:
  json createParameters(const std::string& name) const {
    json disks = json::array();
    for (const auto& disk : op.get("disks")) {
      disks.push_back({{"size", disk.is_object() ? disk.value("size", 0) : disk.get<std::int64_t>()},
                       {"mode", disk.is_object() ? disk.value("mode", "rw") : "rw"}});
    }
    return {{"instance_name", name},
            {"disk_template", op.get("disk_template")},
            {"disks", disks},
            {"nics", op.has("nics") && op.get("nics").is_array() ? op.get("nics") : json::array()},
            {"beparams",
             {{"maxmem", op.getInt("memory")},
              {"vcpus", op.getInt("vcpus")},
              {"spindle_use", op.getInt("spindle_use")}}},
            {"os_type", op.get("os")},
            {"tags", op.get("tags")},
            {"hypervisor", op.has("hypervisor") ? op.get("hypervisor") : json("")},
            {"group_name", op.has("group_name") ? op.get("group_name") : json(nullptr)}};
  }

  json doc_;
  json request_;
  std::optional<std::string> allocator_;
};

}  // namespace

void registerTestAllocator() {
  registerLogicalUnit("OP_TEST_ALLOCATOR", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuTestAllocator>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
