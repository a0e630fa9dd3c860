#include "cli/gnt-instance/batch_definitions.h"

#include <set>

#include "cli/gnt-instance/instance_options.h"
#include "core/opcodes/definitions.h"

namespace gantry::cli::instance {
using core::luxi::Json;

namespace {

bool knownCreateField(const std::string& key) {
  const auto& catalog = core::opcodes::catalog();
  const auto* create = catalog.find("OP_INSTANCE_CREATE");
  return create->findParam(key) != nullptr || create->findLegacyParam(key) != nullptr ||
         catalog.findCommonParam(key) != nullptr;
}

std::int64_t sizeOf(const Json& value) {
  if (value.is_number_integer()) return value.get<std::int64_t>();
  return size(value.is_string() ? value.get<std::string>() : value.dump());
}

// One Ganeti 2 definition as OP_INSTANCE_CREATE parameters.
Json fromLegacy(const std::string& name, const Json& spec, std::optional<std::string>& allocator) {
  static const std::set<std::string> known = {
      "template",  "os",         "disk_size",      "ram_size",       "vcpus",
      "backend",   "primary_node", "secondary_node", "iallocator",   "nics",
      "start",     "ip_check",   "name_check",     "hypervisor",     "hvparams",
      "file_storage_dir", "file_driver", "force_variant"};
  std::string unknown;
  for (const auto& [key, value] : spec.items()) {
    if (!known.count(key)) unknown += (unknown.empty() ? "" : ", ") + key;
  }
  if (!unknown.empty()) refuse("Unknown fields in definition " + name + ": " + unknown);
  Json op = {{"OP_ID", "OP_INSTANCE_CREATE"}, {"instance_name", name}, {"mode", "create"}};
  if (spec.contains("template")) op["disk_template"] = spec["template"];
  if (spec.contains("os")) op["os_type"] = spec["os"];
  Json disks = Json::array();
  const Json sizes = spec.value("disk_size", Json::array({20 * 1024}));
  for (const auto& s : sizes) disks.push_back({{"size", sizeOf(s)}});
  op["disks"] = disks;
  Json backend = spec.value("backend", Json::object());
  if (spec.contains("ram_size")) backend["memory"] = sizeOf(spec["ram_size"]);
  if (spec.contains("vcpus")) backend["vcpus"] = spec["vcpus"];
  op["beparams"] = backend;
  if (spec.contains("primary_node")) op["pnode"] = spec["primary_node"];
  if (spec.contains("secondary_node")) op["snode"] = spec["secondary_node"];
  op["nics"] = spec.contains("nics") && !spec["nics"].is_null() ? spec["nics"]
                                                               : Json::array({Json::object()});
  for (const char* key : {"start", "ip_check", "name_check", "hypervisor", "hvparams",
                          "file_storage_dir", "file_driver", "force_variant"}) {
    if (spec.contains(key)) op[key] = spec[key];
  }
  if (spec.contains("iallocator") && !spec["iallocator"].is_null() && !allocator) {
    allocator = spec["iallocator"].get<std::string>();
  }
  return op;
}

}  // namespace

Json batchCreateOpcode(const std::string& text, const std::optional<std::string>& iallocator) {
  Json definitions;
  try {
    definitions = Json::parse(text);
  } catch (const std::exception& e) {
    refuse(std::string("Can't parse the instance definition file: ") + e.what());
  }
  std::optional<std::string> allocator = iallocator;
  Json instances = Json::array();
  if (definitions.is_object()) {
    for (const auto& [name, spec] : definitions.items()) {
      if (!spec.is_object()) refuse("Instance definition " + name + " is not a dictionary");
      instances.push_back(fromLegacy(name, spec, allocator));
    }
  } else if (definitions.is_array()) {
    std::size_t index = 0;
    for (const auto& definition : definitions) {
      if (!definition.is_object()) refuse("The instance definition file is not List of Dictionary");
      std::string unknown;
      for (const auto& [key, value] : definition.items()) {
        if (!knownCreateField(key)) unknown += (unknown.empty() ? "" : ", ") + key;
      }
      if (!unknown.empty()) {
        refuse("Unknown fields in definition " + std::to_string(index) + ": " + unknown);
      }
      instances.push_back(definition);
      ++index;
    }
  } else {
    refuse("The instance definition file is not List of Dictionary");
  }
  // Sent as serialized opcodes, as Ganeti's client does.
  for (auto& instance : instances) instance["OP_ID"] = "OP_INSTANCE_CREATE";
  Json op = {{"OP_ID", "OP_INSTANCE_MULTI_ALLOC"}, {"instances", instances}};
  if (allocator) op["iallocator"] = *allocator;
  return op;
}

}  // namespace gantry::cli::instance
