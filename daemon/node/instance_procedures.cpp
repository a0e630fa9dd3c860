// What the master asks of a node for an instance's life:
// instance_os_add and instance_run_rename (through the OS provider that
// has the OS, onto the assembled disks), instance_start, instance_shutdown,
// instance_reboot, all_instances_info, the migration phases and the
// console (through the hypervisor plugin). Instances and disks arrive in
// the JSON forms of core/cluster/spec_json.h.
#include <chrono>

#include <nlohmann/json.hpp>

#include "core/cluster/spec_json.h"
#include "core/plugins/registry.h"
#include "daemon/node/plugin_access.h"
#include "gantry/sdk/os_provider.h"

namespace gantry::daemon::node {
namespace {
using core::cluster::instanceSpecFromJson;
using nlohmann::json;
using sdk::Error;
using sdk::ErrorCode;

// The instance with its disks assembled here and their paths filled in.
sdk::Result<sdk::InstanceSpec> withAssembledDisks(NodeContext& node, const json& args) {
  sdk::InstanceSpec instance = instanceSpecFromJson(args.at("instance"));
  const json disks = args.value("disks", json::array());
  for (std::size_t i = 0; i < disks.size(); ++i) {
    const sdk::DiskSpec disk = localDiskSpec(node, disks[i]);
    auto storage = storageFor(node, disk.devType);
    if (!storage) return std::move(storage).error();
    auto device = (*storage)->assemble(disk);
    if (!device) return std::move(device).error();
    if (i < instance.disks.size()) {
      instance.disks[i].devicePath = device->devicePath;
      instance.disks[i].uri = device->uri;
    }
  }
  return instance;
}

// The OS provider on this node that has the instance's OS.
sdk::Result<sdk::OsProvider*> osProviderFor(NodeContext& node, const std::string& os) {
  const std::string osName = os.substr(0, os.find('+'));
  for (const auto& name : node.registry->names(sdk::OsProvider::kKind)) {
    auto candidate = node.registry->get<sdk::OsProvider>(name);
    if (candidate && (*candidate)->findOs(osName)) return *candidate;
  }
  return Error{ErrorCode::kNotFound, "OS '" + osName + "' not found on this node"};
}

// The OS request of `args` for the instance with its disks assembled.
sdk::Result<sdk::OsRequest> osRequest(NodeContext& node, const json& args) {
  auto instance = withAssembledDisks(node, args);
  if (!instance) return std::move(instance).error();
  sdk::OsRequest request;
  request.instance = *instance;
  request.osName = instance->os;
  request.osParams =
      core::cluster::paramsFromJson(args.value("osparams", json::object()), "osparams");
  request.osParamsPrivate = core::cluster::paramsFromJson(
      args.value("osparams_private", json::object()), "osparams_private");
  request.debugLevel = args.value("debug", 0);
  return request;
}

// create (or, with "reinstall", create again over the old data).
sdk::Result<json> addOs(NodeContext& node, const json& args) {
  return decoded([&]() -> sdk::Result<json> {
    auto request = osRequest(node, args);
    if (!request) return std::move(request).error();
    auto provider = osProviderFor(node, request->osName);
    if (!provider) return std::move(provider).error();
    request->reinstall = args.value("reinstall", false);
    std::string output;
    request->output = &output;
    if (auto created = (*provider)->create(*request); !created) return std::move(created).error();
    return json{{"output", output}};
  });
}

// The OS's rename script, after the instance got its new name.
sdk::Result<json> renameOs(NodeContext& node, const json& args) {
  return decoded([&]() -> sdk::Result<json> {
    auto request = osRequest(node, args);
    if (!request) return std::move(request).error();
    auto provider = osProviderFor(node, request->osName);
    if (!provider) return std::move(provider).error();
    request->oldName = args.at("old_name").get<std::string>();
    std::string output;
    request->output = &output;
    if (auto renamed = (*provider)->rename(*request); !renamed) return std::move(renamed).error();
    return json{{"output", output}};
  });
}

sdk::Result<json> startInstance(NodeContext& node, const json& args) {
  return decoded([&]() -> sdk::Result<json> {
    auto instance = withAssembledDisks(node, args);
    if (!instance) return std::move(instance).error();
    auto hv = hypervisorFor(node, instance->hypervisor);
    if (!hv) return std::move(hv).error();
    if (auto started = (*hv)->startInstance(*instance, args.value("paused", false)); !started) {
      return std::move(started).error();
    }
    return json(nullptr);
  });
}

sdk::Result<json> shutdownInstance(NodeContext& node, const json& args) {
  return decoded([&]() -> sdk::Result<json> {
    const sdk::InstanceSpec instance = instanceSpecFromJson(args.at("instance"));
    auto hv = hypervisorFor(node, instance.hypervisor);
    if (!hv) return std::move(hv).error();
    const auto timeout = std::chrono::seconds(args.value("timeout", 120));
    if (auto stopped = (*hv)->stopInstance(instance, sdk::StopMode::kSoft, timeout); !stopped) {
      return std::move(stopped).error();
    }
    (void)(*hv)->cleanupInstance(instance.name);
    return json(nullptr);
  });
}

// --- migration: the procedures in the order the master calls them ---

sdk::Result<json> migrationInfo(NodeContext& node, const json& args) {
  return decoded([&]() -> sdk::Result<json> {
    const sdk::InstanceSpec instance = instanceSpecFromJson(args.at("instance"));
    auto hv = hypervisorFor(node, instance.hypervisor);
    if (!hv) return std::move(hv).error();
    if (!(*hv)->canMigrate()) {
      return Error{ErrorCode::kUnsupported,
                   "Hypervisor " + instance.hypervisor + " cannot migrate instances"};
    }
    auto info = (*hv)->migrationInfo(instance);
    if (!info) return std::move(info).error();
    return json(*info);
  });
}

sdk::Result<json> acceptInstance(NodeContext& node, const json& args) {
  return decoded([&]() -> sdk::Result<json> {
    auto instance = withAssembledDisks(node, args);
    if (!instance) return std::move(instance).error();
    auto hv = hypervisorFor(node, instance->hypervisor);
    if (!hv) return std::move(hv).error();
    auto accepted = (*hv)->acceptInstance(*instance, args.value("info", ""),
                                          args.value("target", ""));
    if (!accepted) return std::move(accepted).error();
    return json(nullptr);
  });
}

sdk::Result<json> migrateInstance(NodeContext& node, const json& args) {
  return decoded([&]() -> sdk::Result<json> {
    const sdk::InstanceSpec instance = instanceSpecFromJson(args.at("instance"));
    auto hv = hypervisorFor(node, instance.hypervisor);
    if (!hv) return std::move(hv).error();
    auto started = (*hv)->migrateInstance(instance, args.value("target", ""),
                                          args.value("live", true));
    if (!started) return std::move(started).error();
    return json(nullptr);
  });
}

const char* migrationStateName(sdk::MigrationStatus::State state) {
  switch (state) {
    case sdk::MigrationStatus::State::kActive: return "active";
    case sdk::MigrationStatus::State::kCompleted: return "completed";
    case sdk::MigrationStatus::State::kFailed: return "failed";
    case sdk::MigrationStatus::State::kCancelled: return "cancelled";
  }
  return "failed";
}

sdk::Result<json> migrationStatus(NodeContext& node, const json& args) {
  return decoded([&]() -> sdk::Result<json> {
    const sdk::InstanceSpec instance = instanceSpecFromJson(args.at("instance"));
    auto hv = hypervisorFor(node, instance.hypervisor);
    if (!hv) return std::move(hv).error();
    auto status = (*hv)->migrationStatus(instance);
    if (!status) return std::move(status).error();
    return json{{"status", migrationStateName(status->state)},
                {"transferred_ram", status->transferredRamBytes},
                {"total_ram", status->totalRamBytes},
                {"downtime_ms", status->downtimeMs},
                {"message", status->message}};
  });
}

sdk::Result<json> finalizeMigration(NodeContext& node, const json& args, bool target) {
  return decoded([&]() -> sdk::Result<json> {
    const sdk::InstanceSpec instance = instanceSpecFromJson(args.at("instance"));
    auto hv = hypervisorFor(node, instance.hypervisor);
    if (!hv) return std::move(hv).error();
    const bool success = args.value("success", false);
    auto done = target ? (*hv)->finalizeMigrationTarget(instance, args.value("info", ""), success)
                       : (*hv)->finalizeMigrationSource(instance, success, args.value("live", true));
    if (!done) return std::move(done).error();
    return json(nullptr);
  });
}

sdk::Result<json> abortMigration(NodeContext& node, const json& args) {
  return decoded([&]() -> sdk::Result<json> {
    const sdk::InstanceSpec instance = instanceSpecFromJson(args.at("instance"));
    auto hv = hypervisorFor(node, instance.hypervisor);
    if (!hv) return std::move(hv).error();
    if (auto aborted = (*hv)->abortMigration(instance); !aborted) return std::move(aborted).error();
    return json(nullptr);
  });
}

const char* consoleKind(sdk::ConsoleInfo::Kind kind) {
  switch (kind) {
    case sdk::ConsoleInfo::Kind::kMessage: return "msg";
    case sdk::ConsoleInfo::Kind::kSsh: return "ssh";
    case sdk::ConsoleInfo::Kind::kVnc: return "vnc";
    case sdk::ConsoleInfo::Kind::kSpice: return "spice";
    // Ganeti's clients know four kinds; a serial socket is reached the way
    // they reach it, by a command on the node (the relay does the same).
    case sdk::ConsoleInfo::Kind::kSerialSocket: return "ssh";
  }
  return "msg";
}

// Ganeti's console object: how the operator reaches the instance.
sdk::Result<json> consoleInfo(NodeContext& node, const json& args) {
  return decoded([&]() -> sdk::Result<json> {
    const sdk::InstanceSpec instance = instanceSpecFromJson(args.at("instance"));
    auto hv = hypervisorFor(node, instance.hypervisor);
    if (!hv) return std::move(hv).error();
    auto info = (*hv)->console(instance);
    if (!info) return std::move(info).error();
    json out = {{"instance", instance.name}, {"kind", consoleKind(info->kind)}};
    switch (info->kind) {
      case sdk::ConsoleInfo::Kind::kMessage:
        out["message"] = info->message;
        break;
      case sdk::ConsoleInfo::Kind::kSsh:
      case sdk::ConsoleInfo::Kind::kSerialSocket:
        out["host"] = info->host;
        out["port"] = info->port;
        out["user"] = info->user;
        out["command"] = info->command;
        break;
      case sdk::ConsoleInfo::Kind::kVnc:
        out["host"] = info->host;
        out["port"] = info->port;
        out["display"] = info->display;
        break;
      case sdk::ConsoleInfo::Kind::kSpice:
        out["host"] = info->host;
        out["port"] = info->port;
        break;
    }
    return out;
  });
}

// A running instance's memory changed in place (Ganeti's
// instance_balloon_memory, for gnt-instance modify --runtime-memory).
sdk::Result<json> balloonMemory(NodeContext& node, const json& args) {
  return decoded([&]() -> sdk::Result<json> {
    const sdk::InstanceSpec instance = instanceSpecFromJson(args.at("instance"));
    auto hv = hypervisorFor(node, instance.hypervisor);
    if (!hv) return std::move(hv).error();
    const std::int64_t memory = args.at("memory").get<std::int64_t>();
    if (memory <= 0) return Error{ErrorCode::kInvalid, "Invalid memory size " + std::to_string(memory)};
    auto ballooned = (*hv)->balloonMemory(instance, memory);
    if (!ballooned) return std::move(ballooned).error();
    return json(nullptr);
  });
}

// A soft or hard reboot in place (a full one is the master's stop+start).
sdk::Result<json> rebootInstance(NodeContext& node, const json& args) {
  return decoded([&]() -> sdk::Result<json> {
    const sdk::InstanceSpec instance = instanceSpecFromJson(args.at("instance"));
    auto hv = hypervisorFor(node, instance.hypervisor);
    if (!hv) return std::move(hv).error();
    const std::string type = args.at("reboot_type").get<std::string>();
    if (type != "soft" && type != "hard") {
      return Error{ErrorCode::kInvalid, "Invalid reboot type '" + type + "' (soft or hard)"};
    }
    auto rebooted = (*hv)->rebootInstance(
        instance, type == "soft" ? sdk::RebootType::kSoft : sdk::RebootType::kHard);
    if (!rebooted) return std::move(rebooted).error();
    return json(nullptr);
  });
}

// {instance name: {memory, vcpus, state, time}} over the hypervisors named.
sdk::Result<json> allInstancesInfo(NodeContext& node, const json& args) {
  json out = json::object();
  for (const auto& name : args.at("hypervisors")) {
    auto hv = hypervisorFor(node, name.get<std::string>());
    if (!hv) return std::move(hv).error();
    auto all = (*hv)->allInstancesInfo();
    if (!all) return std::move(all).error();
    for (const auto& info : *all) {
      out[info.name] = {{"memory", info.memoryMiB},
                        {"vcpus", info.vcpus},
                        {"state", core::cluster::instanceStateName(info.state)},
                        {"time", info.cpuTimeSeconds}};
    }
  }
  return out;
}

}  // namespace

void addInstanceProcedures(core::rpc::ProcedureTable& table, NodeContext& node) {
  using core::rpc::ArgType;
  using core::rpc::CallContext;
  table.add({"instance_os_add",
             {{"instance", ArgType::kObject, true},
              {"disks", ArgType::kArray, true},
              {"osparams", ArgType::kObject, false},
              {"osparams_private", ArgType::kObject, false},
              {"debug", ArgType::kInt, false},
              {"reinstall", ArgType::kBool, false}},
             [&node](const json& a, const CallContext&) { return addOs(node, a); }});
  table.add({"instance_run_rename",
             {{"instance", ArgType::kObject, true},
              {"disks", ArgType::kArray, true},
              {"old_name", ArgType::kString, true},
              {"osparams", ArgType::kObject, false},
              {"osparams_private", ArgType::kObject, false},
              {"debug", ArgType::kInt, false}},
             [&node](const json& a, const CallContext&) { return renameOs(node, a); }});
  table.add({"instance_start",
             {{"instance", ArgType::kObject, true},
              {"disks", ArgType::kArray, true},
              {"paused", ArgType::kBool, false}},
             [&node](const json& a, const CallContext&) { return startInstance(node, a); }});
  table.add({"instance_shutdown",
             {{"instance", ArgType::kObject, true}, {"timeout", ArgType::kInt, false}},
             [&node](const json& a, const CallContext&) { return shutdownInstance(node, a); }});
  table.add({"migration_info", {{"instance", ArgType::kObject, true}},
             [&node](const json& a, const CallContext&) { return migrationInfo(node, a); }});
  table.add({"accept_instance",
             {{"instance", ArgType::kObject, true},
              {"disks", ArgType::kArray, true},
              {"info", ArgType::kString, true},
              {"target", ArgType::kString, true}},
             [&node](const json& a, const CallContext&) { return acceptInstance(node, a); }});
  table.add({"instance_migrate",
             {{"instance", ArgType::kObject, true},
              {"target", ArgType::kString, true},
              {"live", ArgType::kBool, false}},
             [&node](const json& a, const CallContext&) { return migrateInstance(node, a); }});
  table.add({"instance_get_migration_status", {{"instance", ArgType::kObject, true}},
             [&node](const json& a, const CallContext&) { return migrationStatus(node, a); }});
  table.add({"instance_finalize_migration_dst",
             {{"instance", ArgType::kObject, true},
              {"info", ArgType::kString, false},
              {"success", ArgType::kBool, true}},
             [&node](const json& a, const CallContext&) { return finalizeMigration(node, a, true); }});
  table.add({"instance_finalize_migration_src",
             {{"instance", ArgType::kObject, true},
              {"success", ArgType::kBool, true},
              {"live", ArgType::kBool, false}},
             [&node](const json& a, const CallContext&) { return finalizeMigration(node, a, false); }});
  table.add({"instance_abort_migration", {{"instance", ArgType::kObject, true}},
             [&node](const json& a, const CallContext&) { return abortMigration(node, a); }});
  table.add({"instance_reboot",
             {{"instance", ArgType::kObject, true}, {"reboot_type", ArgType::kString, true}},
             [&node](const json& a, const CallContext&) { return rebootInstance(node, a); }});
  table.add({"instance_balloon_memory",
             {{"instance", ArgType::kObject, true}, {"memory", ArgType::kInt, true}},
             [&node](const json& a, const CallContext&) { return balloonMemory(node, a); }});
  table.add({"instance_console_info", {{"instance", ArgType::kObject, true}},
             [&node](const json& a, const CallContext&) { return consoleInfo(node, a); }});
  table.add({"all_instances_info", {{"hypervisors", ArgType::kStringList, true}},
             [&node](const json& a, const CallContext&) { return allInstancesInfo(node, a); }});
}

}  // namespace gantry::daemon::node
