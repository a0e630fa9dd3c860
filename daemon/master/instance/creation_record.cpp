#include "daemon/master/instance/creation_record.h"

#include <fstream>
#include <sstream>

#include "core/cluster/json_access.h"
#include "core/config/store.h"
#include "core/util/atomic_file.h"
#include "daemon/master/cluster/config_helpers.h"
#include "daemon/master/cluster/config_push.h"
#include "daemon/master/cluster/node_rpc.h"

namespace gantry::daemon::master {
namespace fs = std::filesystem;
using core::config::jsonPointer;
using core::config::StoreOp;
using nlohmann::json;

namespace {
constexpr std::chrono::seconds kRemoveTimeout{120};
}  // namespace

fs::path CreationRecord::directory(const MasterServices& services) {
  return services.paths.dataDir / "instance-creations";
}

CreationRecord::CreationRecord(const MasterServices& services, std::string name,
                               std::string uuid)
    : path_(directory(services) / (uuid + ".json")),
      record_({{"instance", name}, {"uuid", uuid}, {"disks", json::array()}}) {
  fs::create_directories(path_.parent_path());
  write();
}

CreationRecord::~CreationRecord() {
  std::error_code ec;
  fs::remove(path_, ec);
}

void CreationRecord::addDisk(const json& node, const json& disk) {
  record_["disks"].push_back({{"node", node}, {"disk", disk}});
  write();
}

void CreationRecord::write() {
  core::util::atomicWriteFile(path_, record_.dump() + "\n", 0600);
}

std::vector<std::string> undoUnfinishedCreations(MasterServices& services) {
  std::vector<std::string> undone;
  std::error_code ec;
  for (fs::directory_iterator it(CreationRecord::directory(services), ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->path().extension() != ".json") continue;
    std::ifstream in(it->path());
    std::stringstream text;
    text << in.rdbuf();
    const json record = json::parse(text.str(), nullptr, false);
    if (record.is_discarded() || !record.is_object()) {
      services.log(sdk::LogLevel::kError,
                   "Ignoring unreadable instance creation record " + it->path().string());
      continue;
    }
    const std::string name = record.value("instance", "");
    bool complete = true;
    for (const auto& entry : record.value("disks", json::array())) {
      auto reply = callNode(services, nodeTarget(services, entry.at("node")), "blockdev_remove",
                            {{"disk", entry.at("disk")}}, kRemoveTimeout);
      if (!reply.ok) {
        complete = false;
        services.log(sdk::LogLevel::kError, "Cannot remove disk " +
                                                entry["disk"].value("iv_name", "") +
                                                " of the unfinished instance " + name + ": " +
                                                reply.msg + " (retried at the next start)");
      }
    }
    if (!complete) continue;
    const std::string uuid = record.value("uuid", "");
    const auto snapshot = services.config->document();
    const json& doc = *snapshot;
    if (core::cluster::objectMember(doc, "instances").contains(uuid)) {
      core::config::StoreChange change = {StoreOp::remove(jsonPointer({"instances", uuid}))};
      for (const auto& disk : doc.at("instances").at(uuid).value("disks", json::array())) {
        change.push_back(StoreOp::remove(jsonPointer({"disks", disk.get<std::string>()})));
      }
      bumpCluster(doc, change, nowSeconds());
      services.config->commit(change);
      for (const auto& warning : distributeConfig(services)) {
        services.log(sdk::LogLevel::kWarning, warning);
      }
    }
    fs::remove(it->path(), ec);
    services.log(sdk::LogLevel::kWarning,
                 "Undid the creation of instance " + name +
                     ", which the previous master did not finish");
    undone.push_back(name);
  }
  return undone;
}

}  // namespace gantry::daemon::master
