#include "cli/gnt-instance/info_layout.h"

#include <algorithm>
#include <ctime>
#include <vector>

#include "core/config/defaults.h"
#include "core/util/units.h"

namespace gantry::cli::instance {
using core::luxi::Json;

namespace {

using core::luxi::pythonStr;

// Ganeti's FormatTime: local time, "%F %T".
std::string formatTime(const Json& seconds) {
  if (!seconds.is_number()) return "N/A";
  const auto value = static_cast<std::time_t>(seconds.get<double>());
  std::tm tm{};
  localtime_r(&value, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%F %T", &tm);
  return text;
}

std::vector<std::string> sortedKeys(const Json& object) {
  std::vector<std::string> keys;
  if (!object.is_object()) return keys;
  for (const auto& [key, value] : object.items()) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

// Ganeti's FormatParamsDictInfo: every filled parameter, sorted; the
// instance's own values as they are, inherited ones as "default (<v>)".
Json paramsInfo(const Json& own, const Json& actual) {
  Json out = Json::object();
  for (const auto& key : sortedKeys(actual)) {
    const bool isOwn = own.is_object() && own.contains(key);
    out[key] = isOwn ? pythonStr(own.at(key)) : "default (" + pythonStr(actual.at(key)) + ")";
  }
  return out;
}

std::string stateText(const Json& instance) {
  std::string text = "configured to be " + pythonStr(instance.value("config_state", Json("down")));
  const Json run = instance.value("run_state", Json(nullptr));
  if (!run.is_null()) text += ", actual state is " + pythonStr(run);
  return text;
}

Json nodesInfo(const Json& instance) {
  Json primary = Json::object();
  primary["primary"] = instance.value("pnode", Json(""));
  primary["group"] = pythonStr(instance.value("pnode_group_name", Json(""))) + " (UUID " +
                     pythonStr(instance.value("pnode_group_uuid", Json(""))) + ")";
  std::string secondaries;
  const Json snodes = instance.value("snodes", Json::array());
  const Json groups = instance.value("snodes_group_names", Json::array());
  const Json groupUuids = instance.value("snodes_group_uuids", Json::array());
  for (std::size_t i = 0; i < snodes.size(); ++i) {
    if (!secondaries.empty()) secondaries += ", ";
    secondaries += pythonStr(snodes[i]) + " (group " +
                   (i < groups.size() ? pythonStr(groups[i]) : "") + ", group UUID " +
                   (i < groupUuids.size() ? pythonStr(groupUuids[i]) : "") + ")";
  }
  Json secondary = Json::object();
  secondary["secondaries"] = secondaries.empty() ? Json::array() : Json(secondaries);
  return Json::array({primary, secondary});
}

Json nicsInfo(const Json& nics) {
  Json out = Json::array();
  std::size_t index = 0;
  for (const auto& nic : nics) {
    // (name, uuid, ip, mac, mode, link, vlan, network, netinfo)
    auto at = [&](std::size_t i) { return i < nic.size() ? nic[i] : Json(nullptr); };
    // Ganeti's pairs: the header with an empty value, then the details
    // at the same level.
    Json details = Json::object();
    details["nic/" + std::to_string(index++)] = "";
    details["MAC"] = pythonStr(at(3));
    details["IP"] = pythonStr(at(2));
    details["mode"] = pythonStr(at(4));
    details["link"] = pythonStr(at(5));
    const std::string vlan = pythonStr(at(6));
    details["vlan"] = vlan.empty() ? Json::array() : Json(vlan);
    const Json netinfo = at(8);
    details["network"] = netinfo.is_object() ? pythonStr(netinfo.value("name", Json(nullptr)))
                                             : pythonStr(at(7).is_null() ? Json(nullptr) : at(7));
    details["UUID"] = pythonStr(at(1));
    details["name"] = pythonStr(at(0));
    out.push_back(details);
  }
  return out;
}

// "<path> (<major>:<minor>)" and, for DRBD and plain, the sync state.
std::string deviceStatusText(const std::string& devType, const Json& status) {
  auto at = [&](std::size_t i) { return i < status.size() ? status[i] : Json(nullptr); };
  const Json major = at(1), minor = at(2), sync = at(3), eta = at(4);
  const bool degraded = at(5).is_boolean() && at(5).get<bool>();
  const int localDisk = at(6).is_number_integer() ? at(6).get<int>() : 3;
  std::string text = pythonStr(at(0)) + " (" + (major.is_null() ? "N/A" : pythonStr(major)) + ":" +
                     (minor.is_null() ? "N/A" : pythonStr(minor)) + ")";
  if (devType == "drbd") {
    std::string syncText;
    if (!sync.is_null()) {
      char percent[32];
      std::snprintf(percent, sizeof percent, "*RECOVERING* %5.2f%%,", sync.get<double>());
      syncText = percent;
      syncText += eta.is_number() && eta.get<double>() != 0
                      ? " ETA " + pythonStr(eta) + "s"
                      : std::string(" ETA unknown");
    } else {
      syncText = degraded ? "*DEGRADED*" : "in sync";
    }
    const std::string localText = localDisk == 4   ? " *MISSING DISK*"
                                  : localDisk == 3 ? " *UNCERTAIN STATE*"
                                                   : "";
    text += " " + syncText + ", status " + (degraded ? "*DEGRADED*" : "ok") + localText;
  } else if (devType == "plain" && localDisk == 4) {
    text += " *FAILED* (failed drive?)";
  }
  return text;
}

std::string logicalIdText(const Json& disk) {
  const std::string devType = disk.value("dev_type", "");
  const Json id = disk.value("logical_id", Json(nullptr));
  if (devType == "plain" && id.is_array() && id.size() == 2) {
    return pythonStr(id[0]) + "/" + pythonStr(id[1]);
  }
  return pythonStr(id);
}

Json diskInfo(const Json& disk, std::size_t index, bool topLevel) {
  Json out = Json::object();
  const std::string devType = disk.value("dev_type", "");
  std::string header;
  if (topLevel) {
    const Json ivName = disk.value("iv_name", Json(nullptr));
    header = ivName.is_null() ? "disk " + std::to_string(index) : pythonStr(ivName);
  } else {
    header = "child " + std::to_string(index);
  }
  const Json size = disk.value("size", Json(nullptr));
  out[header] = devType + ", size " +
                (size.is_number_integer() ? core::util::formatUnit(size.get<double>())
                                          : pythonStr(size));
  if (topLevel) {
    if (!disk.value("spindles", Json(nullptr)).is_null()) out["spindles"] = pythonStr(disk["spindles"]);
    out["access mode"] = pythonStr(disk.value("mode", Json("rw")));
  }
  if (!disk.value("logical_id", Json(nullptr)).is_null()) out["logical_id"] = logicalIdText(disk);
  const Json pstatus = disk.value("pstatus", Json(nullptr));
  if (pstatus.is_array() && !pstatus.empty()) out["on primary"] = deviceStatusText(devType, pstatus);
  const Json sstatus = disk.value("sstatus", Json(nullptr));
  if (sstatus.is_array() && !sstatus.empty()) {
    out["on secondary"] = deviceStatusText(devType, sstatus);
  }
  out["name"] = pythonStr(disk.value("name", Json(nullptr)));
  out["UUID"] = pythonStr(disk.value("uuid", Json(nullptr)));
  const Json children = disk.value("children", Json::array());
  if (!children.empty()) {
    Json list = Json::array();
    for (std::size_t i = 0; i < children.size(); ++i) list.push_back(diskInfo(children[i], i, false));
    out["child devices"] = list;
  }
  return out;
}

}  // namespace

Json instanceInfoLayout(const Json& instance) {
  Json out = Json::object();
  out["Instance name"] = instance.value("name", Json(""));
  out["UUID"] = instance.value("uuid", Json(""));
  out["Serial number"] = pythonStr(instance.value("serial_no", Json(0)));
  out["Creation time"] = formatTime(instance.value("ctime", Json(nullptr)));
  out["Modification time"] = formatTime(instance.value("mtime", Json(nullptr)));
  out["State"] = stateText(instance);
  out["Nodes"] = nodesInfo(instance);
  out["Operating system"] = instance.value("os", Json(""));
  out["Operating system parameters"] = paramsInfo(instance.value("os_instance", Json::object()),
                                                  instance.value("os_actual", Json::object()));
  out["Allocated network port"] = pythonStr(instance.value("network_port", Json(nullptr)));
  out["Hypervisor"] = instance.value("hypervisor", Json(""));
  // Cluster-wide hypervisor parameters are not the instance's to show.
  Json hvActual = instance.value("hv_actual", Json::object());
  for (const auto& global : core::config::hvGlobalParams()) hvActual.erase(global);
  out["Hypervisor parameters"] = paramsInfo(instance.value("hv_instance", Json::object()), hvActual);
  Json beActual = instance.value("be_actual", Json::object());
  if (beActual.contains("maxmem")) beActual["memory"] = beActual["maxmem"];
  out["Back-end parameters"] = paramsInfo(instance.value("be_instance", Json::object()), beActual);
  out["NICs"] = nicsInfo(instance.value("nics", Json::array()));
  out["Disk template"] = instance.value("disk_template", Json(""));
  Json disks = Json::array();
  const Json diskList = instance.value("disks", Json::array());
  for (std::size_t i = 0; i < diskList.size(); ++i) disks.push_back(diskInfo(diskList[i], i, true));
  out["Disks"] = disks;
  return out;
}

}  // namespace gantry::cli::instance
