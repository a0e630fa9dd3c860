// gnt-instance add: builds OP_INSTANCE_CREATE from Ganeti's options
// (-t, -s / --disk, --net / --no-nics, -o, -n, -B, -H, -O, --no-start,
// --no-install, ...) and waits for the job, printing its log.
#include <iostream>
#include <map>

#include "cli/common/key_values.h"
#include "cli/gnt-instance/commands.h"
#include "core/luxi/errors.h"
#include "core/util/units.h"

namespace gantry::cli::instance {
using core::luxi::Json;

namespace {

[[noreturn]] void refuse(const std::string& message) {
  throw core::luxi::opPrereqError(message, "wrong_input");
}

std::int64_t size(const std::string& text) {
  auto parsed = core::util::parseUnit(text);
  if (!parsed) refuse(parsed.error().message);
  return *parsed;
}

// "N:k=v,..." items (--disk, --net) -> list indexed by N.
Json indexedItems(const std::vector<std::string>& items, const char* what) {
  std::map<int, Json> byIndex;
  for (const auto& item : items) {
    const auto colon = item.find(':');
    int index = 0;
    try {
      index = std::stoi(item.substr(0, colon));
    } catch (const std::exception&) {
      refuse(std::string("Invalid ") + what + " index passed: " + item);
    }
    Json params = colon == std::string::npos ? Json::object()
                                             : Json(parseKeyValues(item.substr(colon + 1), nlohmann::json::object()));
    if (byIndex.count(index)) refuse(std::string("Duplicate ") + what + " index " + std::to_string(index));
    byIndex[index] = params;
  }
  Json list = Json::array();
  int expected = 0;
  for (auto& [index, params] : byIndex) {
    if (index != expected) {
      refuse(std::string("Missing ") + what + " with index " + std::to_string(expected));
    }
    list.push_back(params);
    ++expected;
  }
  return list;
}

Json diskList(const ParsedOptions& o) {
  const auto disks = o.all("disks");
  const auto sd = o.value("sd_size");
  if (!disks.empty() && sd) refuse("Please use either the '--disk' or '-s' option");
  if (sd) return Json::array({Json{{"size", size(*sd)}}});
  Json list = indexedItems(disks, "disk");
  for (auto& disk : list) {
    if (!disk.contains("size")) refuse("Missing size or adoption source for disk " + disk.dump());
    disk["size"] = size(disk["size"].is_string() ? disk["size"].get<std::string>()
                                                  : disk["size"].dump());
  }
  return list;
}

Json beparams(const ParsedOptions& o) {
  Json be = Json::object();
  for (const auto& text : o.all("beparams")) {
    const auto parsed = parseKeyValues(text, nlohmann::json::object());
    for (const auto& [key, value] : parsed.items()) be[key] = Json(value);
  }
  for (const char* key : {"memory", "maxmem", "minmem"}) {
    if (be.contains(key)) {
      be[key] = size(be[key].is_string() ? be[key].get<std::string>() : be[key].dump());
    }
  }
  if (be.contains("vcpus") && be["vcpus"].is_string()) {
    try {
      be["vcpus"] = std::stoll(be["vcpus"].get<std::string>());
    } catch (const std::exception&) {
      refuse("Invalid vcpus value '" + be["vcpus"].get<std::string>() + "'");
    }
  }
  return be;
}

}  // namespace

int add(const Invocation& inv) {
  const auto& o = inv.options;
  Json op = {{"OP_ID", "OP_INSTANCE_CREATE"},
             {"instance_name", o.args.at(0)},
             {"mode", "create"},
             {"disks", diskList(o)},
             {"beparams", beparams(o)},
             {"start", !o.flag("no_start")},
             {"no_install", o.flag("no_install")},
             {"force_variant", o.flag("force_variant")},
             {"tags", o.value("tags") ? Json(splitCommaList(*o.value("tags"))) : Json::array()}};
  if (auto t = o.value("disk_template")) op["disk_template"] = *t;
  if (auto os = o.value("os")) op["os_type"] = *os;
  if (auto nodes = o.value("node")) {
    const auto colon = nodes->find(':');
    op["pnode"] = nodes->substr(0, colon);
    if (colon != std::string::npos) op["snode"] = nodes->substr(colon + 1);
  }
  if (auto hv = o.value("hypervisor")) {
    auto [name, params] = parseGroupedKeyValues(*hv, nlohmann::json::object());
    op["hypervisor"] = name;
    op["hvparams"] = Json(params);
  }
  Json osparams = Json::object();
  for (const auto& text : o.all("osparams")) {
    const auto parsed = parseKeyValues(text, nlohmann::json::object());
    for (const auto& [key, value] : parsed.items()) osparams[key] = Json(value);
  }
  op["osparams"] = osparams;
  if (o.flag("no_nics")) {
    if (!o.all("nics").empty()) refuse("Cannot specify --no-nics and --net at the same time");
    op["nics"] = Json::array();
  } else if (o.all("nics").empty()) {
    op["nics"] = Json::array({Json::object()});
  } else {
    op["nics"] = indexedItems(o.all("nics"), "nic");
  }
  if (auto dir = o.value("file_storage_dir")) op["file_storage_dir"] = *dir;
  if (auto driver = o.value("file_driver")) op["file_driver"] = *driver;
  auto client = connectMaster();
  submitAndWait(client, Json::array({op}), inv, std::cout);
  return 0;
}

}  // namespace gantry::cli::instance
