#include "cli/gnt-debug/allocator.h"

#include <iostream>

#include "cli/common/key_values.h"
#include "core/luxi/errors.h"
#include "core/util/units.h"

namespace gantry::cli {
using core::luxi::Json;

namespace {

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string::size_type start = 0;
  for (;;) {
    const auto end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

std::int64_t integer(const ParsedOptions& o, const char* dest, std::int64_t fallback) {
  auto text = o.value(dest);
  if (!text) return fallback;
  try {
    std::size_t used = 0;
    const auto value = std::stoll(*text, &used);
    if (used == text->size()) return value;
  } catch (const std::exception&) {
  }
  throw core::luxi::opPrereqError("Invalid integer '" + *text + "'", "wrong_input");
}

}  // namespace

std::vector<OptionSpec> allocatorOptions() {
  auto options = submitOptions();
  options.insert(
      options.end(),
      {{"", "--dir", "direction", true, "DIR", "Show allocator input (in) or allocator results (out)",
        {"in", "out"}},
       {"-I", "--iallocator", "iallocator", true, "<NAME>", "Allocator to run", {}},
       {"-m", "--mode", "mode", true, "MODE", "Request mode",
        {"allocate", "allocate-secondary", "multi-allocate", "relocate", "node-evacuate",
         "change-group"}},
       {"", "--memory", "memory", true, "SIZE", "Memory size for the instance (MiB)", {}},
       {"", "--disks", "disks", true, "SIZES", "Comma separated list of disk sizes (MiB)", {}},
       {"-t", "--disk-template", "disk_template", true, "TEMPL", "Disk template", {}},
       {"", "--nics", "nics", true, "NICS",
        "Comma separated list of nics, each nic definition is of form mac/ip/bridge", {}},
       {"-o", "--os-type", "os", true, "<os>", "What OS to run", {}},
       {"-p", "--vcpus", "vcpus", true, "N", "Select number of VCPUs for the instance", {}},
       {"", "--tags", "tags", true, "TAGS", "Comma separated list of tags", {}},
       {"", "--evac-mode", "evac_mode", true, "MODE", "Node evacuation mode",
        {"primary-only", "secondary-only", "all"}},
       {"", "--target-groups", "target_groups", true, "GROUP", "Target groups for relocation",
        {}},
       {"", "--spindle-use", "spindle_use", true, "N", "How many spindles to use", {}},
       {"", "--count", "count", true, "N", "How many instances to allocate", {}}});
  return options;
}

int testAllocator(const Invocation& inv) {
  const auto& o = inv.options;
  const std::string diskText = o.value("disks").value_or("4096,4096");
  Json disks = Json::array();
  for (const auto& size : split(diskText, ',')) {
    auto parsed = core::util::parseUnit(size);
    if (!parsed) {
      std::cerr << "Invalid disks parameter '" << diskText << "': " << parsed.error().message
                << "\n";
      return 1;
    }
    disks.push_back({{"size", *parsed}, {"mode", "rw"}});
  }
  Json nics = Json::array();
  for (const auto& nic : split(o.value("nics").value_or("00:11:22:33:44:55"), ',')) {
    auto fields = split(nic, '/');
    fields.resize(3);
    auto value = [](const std::string& v) { return v.empty() ? Json(nullptr) : Json(v); };
    nics.push_back({{"mac", value(fields[0])}, {"ip", value(fields[1])}, {"bridge", value(fields[2])}});
  }
  auto memory = core::util::parseUnit(o.value("memory").value_or("128"));
  if (!memory) throw core::luxi::opPrereqError(memory.error().message, "wrong_input");
  Json op = {{"OP_ID", "OP_TEST_ALLOCATOR"},
             {"direction", o.value("direction").value_or("in")},
             {"mode", o.value("mode").value_or("relocate")},
             {"name", o.args.at(0)},
             {"instances", o.args},
             {"memory", *memory},
             {"disks", disks},
             {"nics", nics},
             {"vcpus", integer(o, "vcpus", 1)},
             {"tags", o.value("tags") ? Json(splitCommaList(*o.value("tags"))) : Json::array()},
             {"evac_mode", o.value("evac_mode").value_or("all")},
             {"target_groups", o.all("target_groups")},
             {"spindle_use", integer(o, "spindle_use", 1)},
             {"count", integer(o, "count", 2)}};
  if (auto t = o.value("disk_template")) op["disk_template"] = *t;
  if (auto os = o.value("os")) op["os"] = *os;
  if (auto allocator = o.value("iallocator")) op["iallocator"] = *allocator;
  auto client = connectMaster();
  const Json results = submitAndWait(client, Json::array({op}), inv, std::cout);
  if (results.is_null()) return 0;
  const Json& result = results.at(0);
  std::cout << (result.is_string() ? result.get<std::string>() : result.dump()) << "\n";
  return 0;
}

}  // namespace gantry::cli
