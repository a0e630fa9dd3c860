#include <dlfcn.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <fstream>
#include <thread>

#include "file_storage.h"
#include "gantry/sdk/plugin_abi.h"
#include "gantry/sdk/storage.h"
#include "test_host_support.h"

namespace gantry::plugins::file {
namespace {

namespace fs = std::filesystem;
using sdk::ErrorCode;
using testing::makePlugin;
using testing::PluginPtr;
using testing::TestHost;

GANTRY_PLUGIN_DESCRIPTOR(kFileDescriptor, Storage, FileStorage, "file", "test");

constexpr std::int64_t kMiB = 1024 * 1024;

PluginPtr<sdk::Storage> makeFile(TestHost& host) {
  return makePlugin<sdk::Storage>(kFileDescriptor, &host);
}

sdk::DiskSpec diskAt(const fs::path& path, std::int64_t sizeMiB = 128,
                     const std::string& driver = "loop") {
  sdk::DiskSpec disk;
  disk.uuid = "5c7a2d2e-0000-4000-8000-000000000001";
  disk.ivName = "disk/0";
  disk.devType = "file";
  disk.logicalId = {driver, path.string()};
  disk.sizeMiB = sizeMiB;
  disk.instanceName = "inst1";
  return disk;
}

// Ganeti's layout: <dir>/<inst>/<uuid>.file.disk<i>.
fs::path diskPath(const TestHost& host, const std::string& inst, int index,
                  const std::string& uuid = "5c7a2d2e") {
  return host.paths().fileStorageDir / inst / (uuid + ".file.disk" + std::to_string(index));
}

struct stat statOf(const fs::path& path) {
  struct stat st{};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st;
}

class FileStorageTest : public ::testing::Test {
 protected:
  TestHost host_;
  PluginPtr<sdk::Storage> storage_ = makeFile(host_);
  sdk::Storage& st() { return *storage_; }
  fs::path dir() const { return host_.paths().fileStorageDir; }
};

// --- descriptor and parameters -----------------------------------------------

TEST(FileStorageDescriptor, DescribesTheFileTemplate) {
  EXPECT_EQ(std::string(kFileDescriptor.kind), "storage");
  EXPECT_EQ(std::string(kFileDescriptor.name), "file");
  EXPECT_EQ(kFileDescriptor.create(nullptr), nullptr);
  TestHost host;
  auto s = makeFile(host);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->diskTemplate(), "file");
  EXPECT_TRUE(s->parameters().empty());
  EXPECT_TRUE(s->checkParameters({}).ok());
  auto r = s->checkParameters({{"stripes", std::int64_t{2}}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(r.error().message, "Unknown parameter 'stripes'");
}

TEST(FileStorageDescriptor, SharedObjectExportsAWorkingDescriptor) {
  const std::string path = std::string(GANTRY_PLUGIN_DIR) + "/storage/storage_file.so";
  void* lib = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(lib, nullptr) << ::dlerror();
  const auto* desc = static_cast<const GantryPluginDescriptor*>(
      ::dlsym(lib, GANTRY_PLUGIN_DESCRIPTOR_SYMBOL));
  ASSERT_NE(desc, nullptr);
  EXPECT_EQ(std::string(desc->kind), "storage");
  EXPECT_EQ(std::string(desc->name), "file");
  EXPECT_EQ(desc->abi_major, GANTRY_SDK_ABI_MAJOR);
  TestHost host;
  auto s = makePlugin<sdk::Storage>(*desc, &host);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->diskTemplate(), "file");
  ASSERT_TRUE(s->create(diskAt(diskPath(host, "so", 0), 1)).ok());
  EXPECT_EQ(fs::file_size(diskPath(host, "so", 0)), static_cast<std::uintmax_t>(kMiB));
}

// --- create / remove -----------------------------------------------------------

TEST_F(FileStorageTest, CreateMakesASparseFileOfTheGivenSize) {
  const fs::path path = diskPath(host_, "inst1", 0);
  auto dev = st().create(diskAt(path, 1024));
  ASSERT_TRUE(dev.ok()) << dev.error().message;
  EXPECT_EQ(dev->devicePath, path);
  EXPECT_TRUE(dev->uri.empty());
  const struct stat s = statOf(path);
  EXPECT_TRUE(S_ISREG(s.st_mode));
  EXPECT_EQ(s.st_size, 1024 * kMiB);
  // A hole, not 1 GiB of zeros.
  EXPECT_LT(static_cast<std::int64_t>(s.st_blocks) * 512, kMiB);
  EXPECT_TRUE(fs::is_directory(dir() / "inst1"));
}

TEST_F(FileStorageTest, EveryDriverIsAccepted) {
  int i = 0;
  for (const char* driver : {"loop", "blktap", "blktap2"}) {
    SCOPED_TRACE(driver);
    EXPECT_TRUE(st().create(diskAt(diskPath(host_, "inst1", i++), 1, driver)).ok());
  }
}

TEST_F(FileStorageTest, CreatingAnExistingFileFails) {
  const fs::path path = diskPath(host_, "inst1", 0);
  ASSERT_TRUE(st().create(diskAt(path, 16)).ok());
  std::ofstream(path, std::ios::in | std::ios::out) << "data";
  auto again = st().create(diskAt(path, 32));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kExists);
  EXPECT_EQ(again.error().message, "File already existing: " + path.string());
  EXPECT_EQ(statOf(path).st_size, 16 * kMiB);  // untouched
}

TEST_F(FileStorageTest, CreateChecksSizeAndExclusiveStorage) {
  const fs::path path = diskPath(host_, "inst1", 0);
  for (std::int64_t size : {0, -5}) {
    auto r = st().create(diskAt(path, size));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
    EXPECT_EQ(r.error().message, "Invalid size " + std::to_string(size) + " MiB for '" +
                                     path.string() + "': must be more than 0");
  }
  auto disk = diskAt(path, 16);
  disk.exclusiveStorage = true;
  auto r = st().create(disk);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(FileStorageTest, BadLogicalIdsAreRefused) {
  auto disk = diskAt(diskPath(host_, "inst1", 0));
  disk.logicalId = {disk.logicalId[1]};
  auto one = st().create(disk);
  ASSERT_FALSE(one.ok());
  EXPECT_EQ(one.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(one.error().message,
            "Invalid logical id for a file disk: expected [driver, path], got 1 element(s)");

  auto nbd = st().create(diskAt(diskPath(host_, "inst1", 0), 16, "nbd"));
  ASSERT_FALSE(nbd.ok());
  EXPECT_EQ(nbd.error().message,
            "Invalid file driver 'nbd', must be one of: loop, blktap, blktap2");
  EXPECT_FALSE(fs::exists(dir() / "inst1"));
}

TEST_F(FileStorageTest, RemoveDeletesTheFileAndTheEmptyInstanceDir) {
  const fs::path d0 = diskPath(host_, "inst1", 0);
  const fs::path d1 = diskPath(host_, "inst1", 1);
  ASSERT_TRUE(st().create(diskAt(d0, 8)).ok());
  ASSERT_TRUE(st().create(diskAt(d1, 8)).ok());
  ASSERT_TRUE(st().remove(diskAt(d0)).ok());
  EXPECT_FALSE(fs::exists(d0));
  EXPECT_TRUE(fs::is_directory(dir() / "inst1"));  // d1 still lives there
  ASSERT_TRUE(st().remove(diskAt(d1)).ok());
  EXPECT_FALSE(fs::exists(dir() / "inst1"));
  EXPECT_TRUE(fs::is_directory(dir()));
  // Removing what is gone succeeds.
  EXPECT_TRUE(st().remove(diskAt(d1)).ok());
  EXPECT_TRUE(st().remove(diskAt(diskPath(host_, "never", 0))).ok());
}

TEST_F(FileStorageTest, RemoveKeepsTheStorageDirForTopLevelFiles) {
  const fs::path top = dir() / "loose.file.disk0";
  ASSERT_TRUE(st().create(diskAt(top, 1)).ok());
  ASSERT_TRUE(st().remove(diskAt(top)).ok());
  EXPECT_FALSE(fs::exists(top));
  EXPECT_TRUE(fs::is_directory(dir()));
}

// --- activation ----------------------------------------------------------------

TEST_F(FileStorageTest, AssembleAndFindReturnThePath) {
  const fs::path path = diskPath(host_, "inst1", 0);
  auto missing = st().assemble(diskAt(path));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message, "File device '" + path.string() + "' does not exist");
  auto notFound = st().find(diskAt(path));
  ASSERT_TRUE(notFound.ok());
  EXPECT_FALSE(notFound->has_value());

  ASSERT_TRUE(st().create(diskAt(path, 4)).ok());
  auto dev = st().assemble(diskAt(path));
  ASSERT_TRUE(dev.ok());
  EXPECT_EQ(dev->devicePath, path);
  auto found = st().find(diskAt(path));
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->device.devicePath, path);
  EXPECT_FALSE((*found)->degraded);
  EXPECT_FALSE((*found)->syncPercent.has_value());
  EXPECT_EQ((*found)->localDisk, sdk::DeviceStatus::LocalDisk::kOk);

  ASSERT_TRUE(st().remove(diskAt(path)).ok());
  EXPECT_FALSE(st().find(diskAt(path))->has_value());
}

TEST_F(FileStorageTest, ShutdownOpenCloseLeaveTheFileAlone) {
  const fs::path path = diskPath(host_, "inst1", 0);
  EXPECT_TRUE(st().shutdown(diskAt(path)).ok());  // absent: already down
  auto openMissing = st().open(diskAt(path), true);
  ASSERT_FALSE(openMissing.ok());
  EXPECT_EQ(openMissing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(st().close(diskAt(path)).error().code, ErrorCode::kNotFound);

  ASSERT_TRUE(st().create(diskAt(path, 4)).ok());
  EXPECT_TRUE(st().open(diskAt(path), true).ok());
  EXPECT_TRUE(st().close(diskAt(path)).ok());
  EXPECT_TRUE(st().shutdown(diskAt(path)).ok());
  EXPECT_TRUE(st().setInfo(diskAt(path), "originstname+inst1").ok());
  EXPECT_EQ(statOf(path).st_size, 4 * kMiB);
}

TEST_F(FileStorageTest, SomethingOtherThanAFileIsNotADisk) {
  const fs::path path = diskPath(host_, "inst1", 0);
  fs::create_directories(path);
  auto found = st().find(diskAt(path));
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().message, "'" + path.string() + "' is not a regular file");
  EXPECT_FALSE(st().assemble(diskAt(path)).ok());
  EXPECT_FALSE(st().actualSizeBytes(diskAt(path)).ok());
}

// --- grow, rename, size -----------------------------------------------------------

TEST_F(FileStorageTest, GrowAddsTheAmountAndKeepsData) {
  const fs::path path = diskPath(host_, "inst1", 0);
  ASSERT_TRUE(st().create(diskAt(path, 100)).ok());
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f << "bootsector";
  }
  ASSERT_TRUE(st().grow(diskAt(path), 28, true).ok());
  EXPECT_EQ(*st().actualSizeBytes(diskAt(path)), 100 * kMiB);  // dry run
  ASSERT_TRUE(st().grow(diskAt(path), 28, false).ok());
  EXPECT_EQ(*st().actualSizeBytes(diskAt(path)), 128 * kMiB);
  ASSERT_TRUE(st().grow(diskAt(path), 0, false).ok());
  EXPECT_EQ(*st().actualSizeBytes(diskAt(path)), 128 * kMiB);
  std::ifstream in(path, std::ios::binary);
  std::string head(10, '\0');
  in.read(head.data(), 10);
  EXPECT_EQ(head, "bootsector");
  EXPECT_LT(static_cast<std::int64_t>(statOf(path).st_blocks) * 512, kMiB);
}

TEST_F(FileStorageTest, GrowErrors) {
  const fs::path path = diskPath(host_, "inst1", 0);
  auto absent = st().grow(diskAt(path), 10, false);
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(absent.error().message, path.string() + ": No such file");
  EXPECT_EQ(st().grow(diskAt(path), 10, true).error().code, ErrorCode::kNotFound);

  ASSERT_TRUE(st().create(diskAt(path, 10)).ok());
  auto negative = st().grow(diskAt(path), -1, false);
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(negative.error().message, path.string() + ": can't grow by negative amount");
  EXPECT_EQ(*st().actualSizeBytes(diskAt(path)), 10 * kMiB);
}

TEST_F(FileStorageTest, ActualSizeOfAnAbsentFile) {
  const fs::path path = diskPath(host_, "inst1", 0);
  auto r = st().actualSizeBytes(diskAt(path));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(r.error().message, path.string() + ": No such file");
}

TEST_F(FileStorageTest, RenameMovesTheFileWithinTheStorageDir) {
  const fs::path from = diskPath(host_, "inst1", 0);
  const fs::path to = diskPath(host_, "inst1-renamed", 0);
  ASSERT_TRUE(st().create(diskAt(from, 12)).ok());
  auto dev = st().rename(diskAt(from), {"loop", to.string()});
  ASSERT_TRUE(dev.ok()) << dev.error().message;
  EXPECT_EQ(dev->devicePath, to);
  EXPECT_FALSE(fs::exists(from));
  EXPECT_FALSE(fs::exists(dir() / "inst1"));  // emptied, so removed
  EXPECT_EQ(statOf(to).st_size, 12 * kMiB);
  ASSERT_TRUE(st().find(diskAt(to))->has_value());

  // Same path, other driver: nothing moves.
  auto same = st().rename(diskAt(to), {"blktap2", to.string()});
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(fs::exists(to));
}

TEST_F(FileStorageTest, RenameNeverOverwrites) {
  const fs::path a = diskPath(host_, "inst1", 0);
  const fs::path b = diskPath(host_, "inst1", 1);
  ASSERT_TRUE(st().create(diskAt(a, 1)).ok());
  ASSERT_TRUE(st().create(diskAt(b, 2)).ok());
  auto r = st().rename(diskAt(a), {"loop", b.string()});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kExists);
  EXPECT_EQ(r.error().message, "File already existing: " + b.string());
  EXPECT_EQ(statOf(a).st_size, 1 * kMiB);
  EXPECT_EQ(statOf(b).st_size, 2 * kMiB);

  auto absent = st().rename(diskAt(diskPath(host_, "inst1", 7)), {"loop", (dir() / "x").string()});
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(fs::exists(dir() / "x"));
}

// --- path acceptance -----------------------------------------------------------------

TEST_F(FileStorageTest, PathsOutsideTheStorageDirAreRefused) {
  const fs::path outside = host_.root() / "escape.disk";
  const std::vector<std::string> paths = {
      (dir() / "inst1" / ".." / ".." / "escape.disk").string(),
      (dir() / ".." / "escape.disk").string(),
      outside.string(),
      "inst1/relative.disk",
      "",
      dir().string(),
      dir().string() + "/",
      dir().string() + "-evil/inst1/x.disk",
      (dir() / "inst1/").string(),
      dir().string() + std::string("/\0x", 3),
  };
  for (const auto& p : paths) {
    SCOPED_TRACE("path: " + p);
    sdk::DiskSpec disk = diskAt(diskPath(host_, "inst1", 0), 1);
    disk.logicalId[1] = p;
    auto r = st().create(disk);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
    EXPECT_EQ(r.error().message.rfind("Path '" + fs::path(p).string() +
                                          "' is not acceptable for file storage: ", 0),
              0u)
        << r.error().message;
    EXPECT_EQ(st().remove(disk).error().code, ErrorCode::kInvalid);
    EXPECT_EQ(st().find(disk).error().code, ErrorCode::kInvalid);
    EXPECT_EQ(st().grow(disk, 1, false).error().code, ErrorCode::kInvalid);
    EXPECT_EQ(st().actualSizeBytes(disk).error().code, ErrorCode::kInvalid);
    EXPECT_EQ(st().rename(diskAt(diskPath(host_, "inst1", 0)), disk.logicalId)
                  .error().code,
              ErrorCode::kInvalid);
  }
  EXPECT_FALSE(fs::exists(outside));
  EXPECT_FALSE(fs::exists(dir().string() + "-evil"));
}

TEST_F(FileStorageTest, SymlinksOutOfTheStorageDirAreRefused) {
  const fs::path outsideDir = host_.root() / "outside";
  fs::create_directories(outsideDir);
  std::ofstream(outsideDir / "victim") << "precious";
  fs::create_directory_symlink(outsideDir, dir() / "linkdir");
  fs::create_directories(dir() / "inst1");
  fs::create_symlink(outsideDir / "victim", dir() / "inst1" / "link.file.disk0");

  auto viaDir = st().create(diskAt(dir() / "linkdir" / "new.file.disk0", 1));
  ASSERT_FALSE(viaDir.ok());
  EXPECT_EQ(viaDir.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(viaDir.error().message,
            "Path '" + (dir() / "linkdir" / "new.file.disk0").string() +
                "' is not acceptable for file storage: '" + (dir() / "linkdir").string() +
                "' is a symbolic link");
  EXPECT_FALSE(fs::exists(outsideDir / "new.file.disk0"));

  const auto link = diskAt(dir() / "inst1" / "link.file.disk0", 1);
  for (auto code : {st().remove(link).error().code, st().grow(link, 10, false).error().code,
                    st().actualSizeBytes(link).error().code, st().find(link).error().code,
                    st().create(link).error().code}) {
    EXPECT_EQ(code, ErrorCode::kInvalid);
  }
  EXPECT_EQ(fs::file_size(outsideDir / "victim"), 8u);
  EXPECT_TRUE(fs::is_symlink(dir() / "inst1" / "link.file.disk0"));
}

TEST(FileStorageHosts, ADiskOfAnotherNodeIsRefused) {
  TestHost hostA;
  TestHost hostB;
  auto a = makeFile(hostA);
  auto b = makeFile(hostB);
  const auto disk = diskAt(diskPath(hostA, "inst1", 0), 8);
  ASSERT_TRUE(a->create(disk).ok());
  EXPECT_EQ(b->find(disk).error().code, ErrorCode::kInvalid);
  EXPECT_EQ(b->remove(disk).error().code, ErrorCode::kInvalid);
  EXPECT_TRUE(fs::exists(diskPath(hostA, "inst1", 0)));
  EXPECT_TRUE(b->listVolumes()->empty());
  EXPECT_EQ(a->listVolumes()->size(), 1u);
  // The same layout on B is B's own file.
  ASSERT_TRUE(b->create(diskAt(diskPath(hostB, "inst1", 0), 4)).ok());
  EXPECT_EQ(*a->actualSizeBytes(disk), 8 * kMiB);
}

TEST(FileStorageHosts, AStorageDirBehindASymlinkIsFine) {
  // Only components below the storage dir are checked, so a storage dir
  // reached through a link (e.g. /srv on another disk) works.
  TestHost host;
  const fs::path real = host.root() / "bigdisk/file-storage";
  fs::create_directories(real);
  const fs::path linked = host.root() / "srv/linked-storage";
  fs::create_directory_symlink(real, linked);
  host.editPaths().fileStorageDir = linked;
  auto s = makeFile(host);
  const fs::path path = linked / "inst1" / "d.file.disk0";
  ASSERT_TRUE(s->create(diskAt(path, 2)).ok());
  EXPECT_EQ(*s->actualSizeBytes(diskAt(path)), 2 * kMiB);
  EXPECT_EQ(fs::file_size(real / "inst1" / "d.file.disk0"), static_cast<std::uintmax_t>(2 * kMiB));
  EXPECT_EQ(s->listVolumes()->size(), 1u);
  ASSERT_TRUE(s->remove(diskAt(path)).ok());
  EXPECT_FALSE(fs::exists(real / "inst1"));
}

// --- node-wide ------------------------------------------------------------------------

TEST_F(FileStorageTest, ListVolumesFindsEveryFile) {
  ASSERT_TRUE(st().create(diskAt(diskPath(host_, "inst1", 0), 100)).ok());
  ASSERT_TRUE(st().create(diskAt(diskPath(host_, "inst1", 1), 200)).ok());
  ASSERT_TRUE(st().create(diskAt(diskPath(host_, "inst2", 0, "aaaa"), 300)).ok());
  std::ofstream(dir() / "stray") << "x";
  fs::create_symlink(diskPath(host_, "inst1", 0), dir() / "inst2" / "link");

  auto volumes = st().listVolumes();
  ASSERT_TRUE(volumes.ok());
  std::map<std::string, sdk::VolumeInfo> byName;
  for (const auto& v : *volumes) byName[v.name] = v;
  ASSERT_EQ(byName.size(), 4u);
  const auto& v0 = byName.at(diskPath(host_, "inst1", 0).string());
  EXPECT_EQ(v0.sizeMiB, 100);
  EXPECT_EQ(v0.owner, "inst1");
  EXPECT_EQ(v0.physical, dir().string());
  EXPECT_TRUE(v0.active);
  EXPECT_EQ(byName.at(diskPath(host_, "inst1", 1).string()).sizeMiB, 200);
  EXPECT_EQ(byName.at(diskPath(host_, "inst2", 0, "aaaa").string()).owner, "inst2");
  EXPECT_EQ(byName.at((dir() / "stray").string()).owner, "");
  EXPECT_EQ(byName.at((dir() / "stray").string()).sizeMiB, 1);  // rounded up
}

TEST_F(FileStorageTest, SpaceInfoIsTheFileSystemOfTheStorageDir) {
  auto space = st().spaceInfo();
  ASSERT_TRUE(space.ok());
  ASSERT_EQ(space->size(), 1u);
  const auto& info = (*space)[0];
  EXPECT_EQ(info.key, dir().string());
  struct statvfs vfs{};
  ASSERT_EQ(::statvfs(dir().c_str(), &vfs), 0);
  EXPECT_EQ(info.totalMiB, static_cast<std::int64_t>(vfs.f_blocks * vfs.f_frsize / kMiB));
  EXPECT_GT(info.totalMiB, 0);
  EXPECT_LE(info.freeMiB, info.totalMiB);
  // Free space moves while tests run in parallel: only a loose bound.
  EXPECT_NEAR(static_cast<double>(info.freeMiB),
              static_cast<double>(vfs.f_bavail * vfs.f_frsize / kMiB), 1024.0);
}

TEST(FileStorageSize, ASetSizeIsReportedLessTheVolumes) {
  TestHost host({{"file.size", "1.3T"}});
  auto storage = makeFile(host);
  auto space = storage->spaceInfo();
  ASSERT_TRUE(space.ok()) << space.error().message;
  EXPECT_EQ((*space)[0].totalMiB, 1363149);  // 1.3 * 1048576, rounded up
  EXPECT_EQ((*space)[0].freeMiB, 1363149);
  ASSERT_TRUE(storage->create(diskAt(diskPath(host, "inst1", 0), 1024)).ok());
  space = storage->spaceInfo();
  ASSERT_TRUE(space.ok());
  EXPECT_EQ((*space)[0].totalMiB, 1363149);
  EXPECT_EQ((*space)[0].freeMiB, 1363149 - 1024);

  TestHost bad({{"file.size", "lots"}});
  auto refused = makeFile(bad)->spaceInfo();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "Invalid setting 'file.size': 'lots'");
}

TEST_F(FileStorageTest, SpaceInfoOfAMissingStorageDir) {
  fs::remove_all(dir());
  auto space = st().spaceInfo();
  ASSERT_FALSE(space.ok());
  EXPECT_EQ(space.error().code, ErrorCode::kEnvironment);
  EXPECT_EQ(space.error().message, "Failed to retrieve storage information about path '" +
                                       dir().string() + "': No such file or directory");
  EXPECT_TRUE(st().listVolumes()->empty());
}

TEST_F(FileStorageTest, ConcurrentCreateAndRemoveInOneInstanceDir) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const auto disk = diskAt(diskPath(host_, "inst1", t * 100 + i), 1);
        EXPECT_TRUE(st().create(disk).ok());
        // Every second disk goes again; removing may delete the dir only
        // when no sibling is left.
        if (i % 2 == 0) {
          EXPECT_TRUE(st().remove(disk).ok());
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(st().listVolumes()->size(), 40u);
}

}  // namespace
}  // namespace gantry::plugins::file
