#include "cli/plugins/exercise.h"

#include <chrono>
#include <string>

#include "core/util/units.h"
#include "gantry/sdk/sdk.h"

namespace gantry::cli {
namespace {

constexpr const char* kInstance = "instance1.example.com";
constexpr const char* kDiskUuid = "6bd2fe4e-6f5b-4b5f-9c1a-0d3c3f0e5a11";

template <typename T>
bool check(const sdk::Result<T>& r, const char* what, std::ostream& err) {
  if (r.ok()) return true;
  err << "Failure: " << what << ": " << r.error().message << "\n";
  return false;
}

void printResources(const sdk::NodeResources& r, std::ostream& out) {
  out << "  memory total " << core::util::formatUnit(r.memoryTotalMiB)
      << ", node " << core::util::formatUnit(r.memoryDom0MiB) << ", free "
      << core::util::formatUnit(r.memoryFreeMiB) << "; " << r.cpuTotal
      << " CPUs\n";
}

}  // namespace

int exercisePlugins(const core::plugins::PluginRegistry& registry,
                    std::ostream& out, std::ostream& err) {
  auto hv = registry.get<sdk::Hypervisor>("fake");
  auto storage = registry.get<sdk::Storage>("file");
  if (!check(hv, "hypervisor", err) || !check(storage, "storage", err)) return 1;
  sdk::Hypervisor& fake = **hv;
  sdk::Storage& file = **storage;

  auto space = file.spaceInfo();
  if (!check(space, "file storage space", err)) return 1;
  for (const auto& unit : *space) {
    out << "file storage " << unit.key << ": "
        << core::util::formatUnit(static_cast<double>(unit.totalMiB)) << " total, "
        << core::util::formatUnit(static_cast<double>(unit.freeMiB)) << " free\n";
  }

  sdk::DiskSpec disk;
  disk.uuid = kDiskUuid;
  disk.ivName = "disk/0";
  disk.devType = "file";
  disk.instanceName = kInstance;
  disk.sizeMiB = 1024;
  const auto storageDir = (*space).empty() ? std::string() : (*space)[0].key;
  disk.logicalId = {"loop", storageDir + "/" + kInstance + "/" + kDiskUuid +
                                ".file.disk0"};
  auto created = file.create(disk);
  if (!check(created, "creating disk/0", err)) return 1;
  out << "* disk 0, size " << core::util::formatUnit(1024) << ": "
      << created->devicePath.string() << "\n";

  auto before = fake.nodeResources();
  if (!check(before, "node resources", err)) return 1;
  out << "node resources before start:\n";
  printResources(*before, out);

  sdk::InstanceSpec instance;
  instance.name = kInstance;
  instance.hypervisor = "fake";
  instance.startupMemoryMiB = 512;
  instance.vcpus = 1;
  sdk::AttachedDisk attached;
  attached.uuid = disk.uuid;
  attached.devicePath = created->devicePath;
  attached.sizeMiB = disk.sizeMiB;
  attached.devType = disk.devType;
  attached.logicalId = disk.logicalId;
  instance.disks.push_back(std::move(attached));
  if (!check(fake.startInstance(instance, false), "starting instance", err)) return 1;
  out << "started " << kInstance << " with "
      << core::util::formatUnit(512) << "\n";

  auto running = fake.listInstances();
  if (!check(running, "listing instances", err)) return 1;
  out << "running instances:";
  for (const auto& name : *running) out << " " << name;
  out << "\n";

  auto after = fake.nodeResources();
  if (!check(after, "node resources", err)) return 1;
  out << "node resources while it runs:\n";
  printResources(*after, out);

  if (!check(fake.stopInstance(instance, sdk::StopMode::kSoft,
                               std::chrono::seconds(5)),
             "stopping instance", err)) {
    return 1;
  }
  out << "stopped " << kInstance << "\n";
  if (!check(file.remove(disk), "removing disk/0", err)) return 1;
  out << "removed disk/0\n";
  return 0;
}

}  // namespace gantry::cli
