// What the master asks of a node for an instance's disks, each through
// the storage plugin of the disk's template: blockdev_create,
// blockdev_remove, blockdev_assemble (activate, answer the device path),
// blockdev_shutdown (deactivate, data stays), blockdev_find (status, or
// null when absent), blockdev_grow (with a dry run first when asked) and
// blockdev_rename (a new logical id in the same storage unit). Disks
// arrive in the JSON form of core/cluster/spec_json.h.
#include <nlohmann/json.hpp>

#include "daemon/node/plugin_access.h"

namespace gantry::daemon::node {
namespace {
using nlohmann::json;
using sdk::Error;
using sdk::ErrorCode;

// The disk of `args` and the storage plugin of its template.
struct LocalDisk {
  sdk::DiskSpec spec;
  sdk::Storage* storage = nullptr;
};

sdk::Result<LocalDisk> localDisk(NodeContext& node, const json& args) {
  LocalDisk disk{localDiskSpec(node, args.at("disk"))};
  auto storage = storageFor(node, disk.spec.devType);
  if (!storage) return std::move(storage).error();
  disk.storage = *storage;
  return disk;
}

sdk::Result<json> createDisk(NodeContext& node, const json& args) {
  return decoded([&]() -> sdk::Result<json> {
    auto disk = localDisk(node, args);
    if (!disk) return std::move(disk).error();
    auto device = disk->storage->create(disk->spec);
    if (!device) return std::move(device).error();
    return deviceJson(*device);
  });
}

sdk::Result<json> removeDisk(NodeContext& node, const json& args) {
  return decoded([&]() -> sdk::Result<json> {
    auto disk = localDisk(node, args);
    if (!disk) return std::move(disk).error();
    if (auto removed = disk->storage->remove(disk->spec); !removed) {
      return std::move(removed).error();
    }
    return json(nullptr);
  });
}

sdk::Result<json> assembleDisk(NodeContext& node, const json& args) {
  return decoded([&]() -> sdk::Result<json> {
    auto disk = localDisk(node, args);
    if (!disk) return std::move(disk).error();
    auto device = disk->storage->assemble(disk->spec);
    if (!device) return std::move(device).error();
    return deviceJson(*device);
  });
}

sdk::Result<json> shutdownDisk(NodeContext& node, const json& args) {
  return decoded([&]() -> sdk::Result<json> {
    auto disk = localDisk(node, args);
    if (!disk) return std::move(disk).error();
    if (auto done = disk->storage->shutdown(disk->spec); !done) return std::move(done).error();
    return json(nullptr);
  });
}

int localDiskStatusCode(sdk::DeviceStatus::LocalDisk status) {
  return static_cast<int>(status);
}

// Ganeti's BlockDevStatus as a JSON object; null when the device is absent.
sdk::Result<json> findDisk(NodeContext& node, const json& args) {
  return decoded([&]() -> sdk::Result<json> {
    auto disk = localDisk(node, args);
    if (!disk) return std::move(disk).error();
    auto found = disk->storage->find(disk->spec);
    if (!found) return std::move(found).error();
    if (!found->has_value()) return json(nullptr);
    const sdk::DeviceStatus& status = **found;
    json out = {{"dev_path", status.device.devicePath.string()},
                {"major", status.device.major >= 0 ? json(status.device.major) : json(nullptr)},
                {"minor", status.device.minor >= 0 ? json(status.device.minor) : json(nullptr)},
                {"sync_percent", status.syncPercent ? json(*status.syncPercent) : json(nullptr)},
                {"estimated_time", status.etaSeconds ? json(*status.etaSeconds) : json(nullptr)},
                {"is_degraded", status.degraded},
                {"ldisk_status", localDiskStatusCode(status.localDisk)}};
    return out;
  });
}

sdk::Result<json> growDisk(NodeContext& node, const json& args) {
  return decoded([&]() -> sdk::Result<json> {
    auto disk = localDisk(node, args);
    if (!disk) return std::move(disk).error();
    const auto amount = args.at("amount").get<std::int64_t>();
    if (amount < 0) return Error{ErrorCode::kInvalid, "Cannot grow a disk by a negative amount"};
    if (auto grown = disk->storage->grow(disk->spec, amount, args.value("dryrun", false));
        !grown) {
      return std::move(grown).error();
    }
    return json(nullptr);
  });
}

sdk::Result<json> renameDisk(NodeContext& node, const json& args) {
  return decoded([&]() -> sdk::Result<json> {
    auto disk = localDisk(node, args);
    if (!disk) return std::move(disk).error();
    // The new id is in the cluster's terms too: localized the same way.
    json renamed = args.at("disk");
    renamed["logical_id"] = args.at("new_logical_id");
    const sdk::DiskSpec target = localDiskSpec(node, renamed);
    auto device = disk->storage->rename(disk->spec, target.logicalId);
    if (!device) return std::move(device).error();
    return deviceJson(*device);
  });
}

}  // namespace

void addBlockdevProcedures(core::rpc::ProcedureTable& table, NodeContext& node) {
  using core::rpc::ArgType;
  using core::rpc::CallContext;
  const auto withDisk = [&node](auto body) {
    return [&node, body](const json& a, const CallContext&) { return body(node, a); };
  };
  table.add({"blockdev_create", {{"disk", ArgType::kObject, true}}, withDisk(createDisk)});
  table.add({"blockdev_remove", {{"disk", ArgType::kObject, true}}, withDisk(removeDisk)});
  table.add({"blockdev_assemble", {{"disk", ArgType::kObject, true}}, withDisk(assembleDisk)});
  table.add({"blockdev_shutdown", {{"disk", ArgType::kObject, true}}, withDisk(shutdownDisk)});
  table.add({"blockdev_find", {{"disk", ArgType::kObject, true}}, withDisk(findDisk)});
  table.add({"blockdev_grow",
             {{"disk", ArgType::kObject, true},
              {"amount", ArgType::kInt, true},
              {"dryrun", ArgType::kBool, false}},
             withDisk(growDisk)});
  table.add({"blockdev_rename",
             {{"disk", ArgType::kObject, true}, {"new_logical_id", ArgType::kStringList, true}},
             withDisk(renameDisk)});
}

}  // namespace gantry::daemon::node
