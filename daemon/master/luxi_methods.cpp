#include "daemon/master/luxi_methods.h"

#include <chrono>

#include "core/config/store.h"
#include "core/jobs/job_queue.h"
#include "core/luxi/errors.h"
#include "core/luxi/request_args.h"
#include "core/version.h"
#include "daemon/master/job_resource.h"
#include "daemon/master/cluster/config_helpers.h"
#include "daemon/master/instance_resource.h"
#include "daemon/master/lu/logical_unit.h"
#include "daemon/master/node_resource.h"
#include "daemon/master/tags.h"

namespace gantry::daemon::master {
namespace {
using core::luxi::Json;
using core::luxi::Method;

// The queue keeps plain nlohmann::json; the wire uses ordered objects.
std::vector<nlohmann::json> opcodeList(const Json& ops) {
  std::vector<nlohmann::json> list;
  for (const auto& op : ops) list.emplace_back(op);
  return list;
}

}  // namespace

LuxiMethods::LuxiMethods(MasterServices& services, core::jobs::JobQueue& queue)
    : services_(services), queue_(queue) {}

Json LuxiMethods::handle(Method method, const core::luxi::Request& request) {
  const Json& args = request.args;
  switch (method) {
    case Method::kSubmitJob:
      return queue_.submit(opcodeList(args.at(0)));
    case Method::kSubmitJobToDrainedQueue:
      return queue_.submitToDrainedQueue(opcodeList(args.at(0)));
    case Method::kSubmitManyJobs: {
      std::vector<std::vector<nlohmann::json>> jobs;
      for (const auto& job : args.at(0)) jobs.push_back(opcodeList(job));
      return Json(core::jobs::submitResultsJson(queue_.submitMany(jobs)));
    }
    case Method::kWaitForJobChange: {
      auto a = core::luxi::decodeWaitForJobChangeArgs(args);
      // A serial that is not a number counts as "no logs seen", as in luxid.
      std::optional<std::int64_t> prevSerial;
      if (a.prevLogSerial.is_number()) prevSerial = a.prevLogSerial.get<std::int64_t>();
      return Json(queue_
                      .waitForChange(a.jobId, a.fields, nlohmann::json(a.prevJobInfo),
                                     prevSerial, std::chrono::seconds(a.timeout))
                      .toJson());
    }
    case Method::kCancelJob:
      // Ganeti 3.x clients send [job_id, kill]; older ones only the id.
      return Json(queue_
                      .cancel(core::luxi::parseJobIdArg(args.at(0)),
                              args.size() > 1 && args.at(1).is_boolean() && args.at(1).get<bool>())
                      .toJson());
    case Method::kChangeJobPriority:
      return Json(
          queue_.changePriority(core::luxi::parseJobIdArg(args.at(0)), args.at(1).get<int>())
              .toJson());
    case Method::kArchiveJob:
      return queue_.archive(core::luxi::parseJobIdArg(args.at(0)));
    case Method::kAutoArchiveJobs: {
      auto [archived, unchecked] = queue_.autoArchive(
          args.at(0).get<std::int64_t>(),
          std::chrono::seconds(args.at(1).get<std::int64_t>()));
      return Json::array({archived, unchecked});
    }
    case Method::kQueryJobs: {
      std::optional<std::vector<core::jobs::JobId>> ids;
      if (!args.at(0).is_null()) {
        ids.emplace();
        for (const auto& id : args.at(0)) ids->push_back(core::luxi::parseJobIdArg(id));
      }
      return Json(queue_.queryJobs(ids, args.at(1).get<std::vector<std::string>>()));
    }
    case Method::kQuery: {
      auto q = core::luxi::decodeQueryArgs(args);
      if (q.what == "job") return queryJobs(queue_, q.fields, q.filter);
      if (q.what == "node") return queryNodes(services_, q.fields, q.filter);
      if (q.what == "instance") return queryInstances(services_, q.fields, q.filter);
      throw core::luxi::opPrereqError("Query on '" + q.what + "' is not implemented yet",
                                      "wrong_input");
    }
    case Method::kQueryFields: {
      auto q = core::luxi::decodeQueryFieldsArgs(args);
      if (q.what == "job") return jobResource().queryFields(q.fields);
      if (q.what == "node") return nodeResource().queryFields(q.fields);
      if (q.what == "instance") return instanceResource().queryFields(q.fields);
      throw core::luxi::opPrereqError(
          "Query fields of '" + q.what + "' are not implemented yet", "wrong_input");
    }
    case Method::kQueryNodes:
    case Method::kQueryInstances:
      return classicQuery(method == Method::kQueryNodes ? "node" : "instance", args);
    case Method::kQueryTags: {
      if (services_.config == nullptr) {
        throw core::luxi::configurationError(
            "I do not have access to a valid configuration, cannot process queries");
      }
      try {
        return Json(objectTags(*services_.config->document(), args.at(0).get<std::string>(),
                               args.at(1).get<std::string>()));
      } catch (const PrereqError& e) {
        throw core::luxi::opPrereqError(e.what(), sdk::errorCodeName(e.code()));
      }
    }
    case Method::kQueryClusterInfo:
      return clusterInfo();
    case Method::kQueryConfigValues:
      return configValues(args.at(0));
    case Method::kSetDrainFlag:
      queue_.setDrainFlag(args.at(0).get<bool>());
      return true;
    case Method::kSetWatcherPause:
      if (args.at(0).is_null()) {
        watcherPause_.reset();
      } else {
        watcherPause_ = args.at(0).get<double>();
      }
      return args.at(0);
    case Method::kPickupJob:
      throw core::luxi::genericError("Luxi call 'PickupJob' is for internal use only");
    default:
      throw core::luxi::opPrereqError(
          "Luxi call '" + std::string(core::luxi::methodName(method)) +
              "' is not implemented yet",
          "wrong_input");
  }
}

// The classic calls ([names, fields, use_locking] -> rows): the names
// asked for, in that order; an unknown name gives no row (the client
// reports it), no names means every item.
Json LuxiMethods::classicQuery(const std::string& what, const Json& args) {
  if (!args.is_array() || args.size() < 2 || !args[1].is_array()) {
    throw core::luxi::opPrereqError("Invalid arguments for a classic query", "wrong_input");
  }
  std::vector<std::string> fields = {"name"};
  for (const auto& f : args[1]) fields.push_back(f.get<std::string>());
  const auto noFilter = core::query::parseFilter(Json(nullptr));
  const Json result = what == "node" ? queryNodes(services_, fields, noFilter)
                                     : queryInstances(services_, fields, noFilter);
  const Json rows = core::query::classicRows(result);
  Json out = Json::array();
  auto strip = [](const Json& row) { return Json(Json::array_t(row.begin() + 1, row.end())); };
  if (args[0].is_null() || args[0].empty()) {
    for (const auto& row : rows) out.push_back(strip(row));
    return out;
  }
  for (const auto& name : args[0]) {
    for (const auto& row : rows) {
      if (row[0] == name) out.push_back(strip(row));
    }
  }
  return out;
}

Json LuxiMethods::clusterInfo() const {
  if (services_.config == nullptr) {
    throw core::luxi::configurationError(
        "I do not have access to a valid configuration, cannot process queries");
  }
  Json cluster = Json(services_.config->get("/cluster"));
  Json info = Json::object();
  info["software_version"] = core::version();
  info["protocol_version"] = core::luxi::kProtocolVersion;
  info["config_version"] = Json(services_.config->get("/version"));
  info["os_api_version"] = 20;
  info["export_version"] = 0;
  info["vcs_version"] = std::string("gantry-") + core::version();
  info["architecture"] = Json::array({"64bits", "x86_64"});
  info["name"] = cluster.value("cluster_name", "");
  info["master"] = master::masterNodeName(services_);
  const Json hvs = cluster.value("enabled_hypervisors", Json::array());
  info["default_hypervisor"] = hvs.empty() ? Json(nullptr) : hvs.front();
  info["enabled_hypervisors"] = hvs;
  for (const char* key : {"hvparams", "os_hvp", "beparams", "osparams", "ipolicy",
                          "nicparams", "ndparams", "diskparams", "candidate_pool_size",
                          "max_running_jobs", "max_tracked_jobs", "mac_prefix",
                          "master_netdev", "master_netmask", "use_external_mip_script"}) {
    info[key] = cluster.value(key, Json(nullptr));
  }
  info["volume_group_name"] = cluster.value("volume_group_name", Json(nullptr));
  info["drbd_usermode_helper"] = cluster.value("drbd_usermode_helper", Json(nullptr));
  for (const char* key :
       {"file_storage_dir", "shared_file_storage_dir", "gluster_storage_dir",
        "maintain_node_health", "ctime", "mtime", "uuid", "tags", "uid_pool",
        "default_iallocator", "default_iallocator_params", "reserved_lvs",
        "primary_ip_family", "prealloc_wipe_disks", "hidden_os", "blacklisted_os",
        "enabled_disk_templates", "install_image", "instance_communication_network",
        "zeroing_image", "compression_tools", "enabled_user_shutdown",
        "enabled_data_collectors", "data_collector_interval", "modify_ssh_setup",
        "ssh_key_type", "ssh_key_bits"}) {
    if (std::string(key) == "primary_ip_family") {
      info["primary_ip_version"] = cluster.value(key, 2) == 10 ? 6 : 4;
    } else {
      info[key] = cluster.value(key, Json(nullptr));
    }
  }
  return info;
}

Json LuxiMethods::configValues(const Json& names) const {
  Json values = Json::array();
  for (const auto& name : names) {
    const std::string key = name.is_string() ? name.get<std::string>() : "";
    if (key == "drain_flag") {
      values.push_back(queue_.drained());
    } else if (key == "watcher_pause") {
      values.push_back(watcherPause_ ? Json(*watcherPause_) : Json(nullptr));
    } else if (services_.config == nullptr) {
      values.push_back(nullptr);
    } else if (key == "master_node") {
      values.push_back(master::masterNodeName(services_));
    } else if (key == "cluster_name" || key == "modify_ssh_setup" || key == "ssh_key_type" ||
               key == "ssh_key_bits" || key == "master_ip" || key == "master_netdev" ||
               key == "master_netmask" || key == "candidate_pool_size" ||
               key == "enabled_hypervisors" || key == "enabled_disk_templates" ||
               key == "file_storage_dir" || key == "shared_file_storage_dir" ||
               key == "volume_group_name" || key == "mac_prefix" ||
               key == "modify_etc_hosts" || key == "uuid" || key == "primary_ip_family") {
      Json cluster = Json(services_.config->get("/cluster"));
      values.push_back(cluster.value(key, Json(nullptr)));
    } else {
      values.push_back(nullptr);
    }
  }
  return values;
}

}  // namespace gantry::daemon::master
