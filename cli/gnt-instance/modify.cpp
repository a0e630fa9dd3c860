// gnt-instance modify: builds OP_INSTANCE_SET_PARAMS from Ganeti's options
// and prints the changes the job reports (" - <param> -> <value>") with
// Ganeti's reminder that they take effect at the next start.
#include <iostream>

#include "cli/common/key_values.h"
#include "cli/gnt-instance/commands.h"
#include "cli/gnt-instance/instance_options.h"
#include "core/luxi/json_text.h"

namespace gantry::cli::instance {
using core::luxi::Json;

namespace {

const std::vector<std::string> kActions = {"add", "attach", "remove", "detach", "modify"};

bool isAction(const std::string& word) {
  return std::find(kActions.begin(), kActions.end(), word) != kActions.end();
}

// Ganeti's _ConvertNicDiskModifications on one "--disk"/"--net" value:
// "add[:k=v,..]", "remove", "N:add,k=v", "N:remove", "N:modify,k=v",
// "N:k=v" -> [action, identifier, params].
Json deviceModification(const std::string& text) {
  const auto colon = text.find(':');
  const std::string identifier = text.substr(0, colon);
  std::vector<std::string> flags;
  Json params = Json::object();
  if (colon != std::string::npos) {
    for (const auto& part : splitCommaList(text.substr(colon + 1))) {
      if (part.find('=') == std::string::npos && isAction(part)) {
        flags.push_back(part);
      } else {
        const auto parsed = parseKeyValues(part, nlohmann::json::object());
        for (const auto& [key, value] : parsed.items()) params[key] = Json(value);
      }
    }
  }
  std::string action;
  Json index = identifier;
  if (isAction(identifier)) {
    if (identifier == "modify") refuse("Invalid modification '" + text + "'");
    action = identifier;
    index = -1;
  } else {
    if (flags.size() > 1) {
      refuse("Cannot do more than one of the following operations at the same time: add, "
             "attach, remove, detach, modify");
    }
    action = flags.empty() ? "modify" : flags[0];
  }
  if ((action == "remove" || action == "detach") && !params.empty()) {
    refuse("Not accepting parameters on removal/detach");
  }
  if (params.contains("size")) {
    params["size"] = size(params["size"].is_string() ? params["size"].get<std::string>()
                                                     : params["size"].dump());
  }
  return Json::array({action, index, params});
}

Json keyValues(const std::vector<std::string>& texts) {
  Json out = Json::object();
  for (const auto& text : texts) {
    const auto parsed = parseKeyValues(text, nlohmann::json::object());
    for (const auto& [key, value] : parsed.items()) out[key] = Json(value);
  }
  return out;
}


}  // namespace

std::vector<OptionSpec> modifyOptions() {
  auto options = submitOptions();
  options.insert(
      options.end(),
      {{"-f", "--force", "force", false, "", "Do not check the node's free memory", {}},
       {"-B", "--backend-parameters", "beparams", true, "BEPARAMS", "Backend parameters", {}},
       {"-H", "--hypervisor-parameters", "hvparams", true, "HVPARAMS",
        "Hypervisor parameters", {}},
       {"-m", "--runtime-memory", "runtime_mem", true, "<size>", "New runtime memory", {}},
       {"", "--disk", "disks", true, "<op>[:<params>]", "Disk changes", {}},
       {"", "--net", "nics", true, "<op>[:<params>]", "NIC changes", {}},
       {"-t", "--disk-template", "disk_template", true, "TEMPL", "New disk template", {}},
       {"-n", "--node", "node", true, "<node>", "Secondary node for the new template", {}},
       {"", "--new-primary", "new_primary", true, "<node>", "New primary node (offline move)",
        {}},
       {"-o", "--os-type", "os", true, "<os>", "Change the instance's OS", {}},
       {"", "--force-variant", "force_variant", false, "", "Force an unknown variant", {}},
       {"-O", "--os-parameters", "osparams", true, "<key>=<val>", "OS parameters", {}},
       {"", "--offline", "offline", false, "", "Mark the instance offline", {}},
       {"", "--online", "online", false, "", "Mark the instance online", {}},
       {"", "--no-wait-for-sync", "no_wait_for_sync", false, "",
        "Don't wait for the disks to sync", {}},
       {"", "--ignore-ipolicy", "ignore_ipolicy", false, "", "Ignore instance policy violations",
        {}},
       {"", "--no-hotplug", "no_hotplug", false, "", "Do not hotplug devices", {}},
       {"", "--hotplug", "hotplug", false, "", "Hotplug devices (3.0 clients)", {}},
       {"", "--hotplug-if-possible", "hotplug_if_possible", false, "",
        "Hotplug devices where possible (3.0 clients)", {}}});
  return options;
}

int modify(const Invocation& inv) {
  const auto& o = inv.options;
  const std::string name = o.args.at(0);
  const bool anything =
      !o.all("beparams").empty() || !o.all("hvparams").empty() || o.value("runtime_mem") ||
      !o.all("disks").empty() || !o.all("nics").empty() || o.value("disk_template") ||
      o.value("new_primary") || o.value("os") || !o.all("osparams").empty() ||
      o.flag("offline") || o.flag("online");
  if (!anything) {
    std::cerr << "Please give at least one of the parameters.\n";
    return 1;
  }
  if (o.flag("offline") && o.flag("online")) refuse("Can't use --offline and --online together");
  Json beparams = keyValues(o.all("beparams"));
  for (const char* key : {"memory", "maxmem", "minmem"}) {
    if (beparams.contains(key) && beparams[key] != "default") {
      beparams[key] = size(core::luxi::pythonStr(beparams[key]));
    }
  }
  Json op = {{"OP_ID", "OP_INSTANCE_SET_PARAMS"},
             {"instance_name", name},
             {"force", o.flag("force")},
             {"force_variant", o.flag("force_variant")},
             {"ignore_ipolicy", o.flag("ignore_ipolicy")},
             {"beparams", beparams},
             {"hvparams", keyValues(o.all("hvparams"))},
             {"osparams", keyValues(o.all("osparams"))},
             {"disks", Json::array()},
             {"nics", Json::array()},
             {"wait_for_sync", !o.flag("no_wait_for_sync")},
             {"hotplug", !o.flag("no_hotplug") && !o.flag("hotplug_if_possible")}};
  for (const auto& text : o.all("disks")) op["disks"].push_back(deviceModification(text));
  for (const auto& text : o.all("nics")) op["nics"].push_back(deviceModification(text));
  if (auto memory = o.value("runtime_mem")) op["runtime_mem"] = size(*memory);
  if (auto t = o.value("disk_template")) op["disk_template"] = *t;
  if (auto node = o.value("node")) op["remote_node"] = *node;
  if (auto node = o.value("new_primary")) op["pnode"] = *node;
  if (auto os = o.value("os")) op["os_name"] = *os;
  if (o.flag("offline")) op["offline"] = true;
  if (o.flag("online")) op["offline"] = false;

  auto client = connectMaster();
  const Json results = submitAndWait(client, Json::array({op}), inv, std::cout);
  if (results.is_null()) return 0;  // --submit
  const Json changes = results.at(0);
  if (!changes.is_array() || changes.empty()) return 0;
  std::cout << "Modified instance " << name << "\n";
  for (const auto& entry : changes) {
    std::string param = core::luxi::pythonStr(entry.at(0));
    if (param.size() < 5) param.append(5 - param.size(), ' ');  // Python's "%-5s"
    std::cout << " - " << param << " -> " << core::luxi::pythonStr(entry.at(1)) << "\n";
  }
  std::cout << "Please don't forget that most parameters take effect only at the next "
               "(re)start of the instance initiated by ganeti; restarting from within the "
               "instance will not be enough.\n";
  if (!o.all("hvparams").empty()) {
    std::cout << "Note that changing hypervisor parameters without performing a restart might "
                 "lead to a crash while performing a live migration. This will be addressed in "
                 "future Ganeti versions.\n";
  }
  return 0;
}

}  // namespace gantry::cli::instance
