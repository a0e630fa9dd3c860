// gnt-instance add: builds OP_INSTANCE_CREATE from Ganeti's options
// (-t, -s / --disk, --net / --no-nics, -o, -n, -B, -H, -O, --no-start,
// --no-install, ...) and waits for the job, printing its log.
#include <iostream>
#include <map>

#include "cli/common/key_values.h"
#include "cli/gnt-instance/commands.h"
#include "cli/gnt-instance/instance_options.h"
#include "core/luxi/errors.h"
#include "core/util/units.h"

namespace gantry::cli::instance {
using core::luxi::Json;

namespace {

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
  if (auto allocator = o.value("iallocator")) op["iallocator"] = *allocator;
  if (auto group = o.value("group_name")) op["group_name"] = *group;
  if (auto hv = o.value("hypervisor")) {
    auto [name, params] = parseGroupedKeyValues(*hv, nlohmann::json::object());
    op["hypervisor"] = name;
    op["hvparams"] = Json(params);
  }
  op["osparams"] = osparams(o);
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
