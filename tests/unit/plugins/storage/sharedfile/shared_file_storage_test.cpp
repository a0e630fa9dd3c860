#include "shared_file_storage.h"

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <fstream>

#include "gantry/sdk/plugin_abi.h"
#include "test_host_support.h"

namespace gantry::plugins::sharedfile {
namespace {

namespace fs = std::filesystem;
using sdk::ErrorCode;
using testing::makePlugin;
using testing::PluginPtr;
using testing::TestHost;

GANTRY_PLUGIN_DESCRIPTOR(kSharedDescriptor, Storage, SharedFileStorage, "sharedfile", "test");

sdk::DiskSpec diskAt(const fs::path& path, std::int64_t sizeMiB = 64) {
  sdk::DiskSpec disk;
  disk.uuid = "9d1e0000-0000-4000-8000-000000000001";
  disk.ivName = "disk/0";
  disk.devType = "sharedfile";
  disk.logicalId = {"loop", path.string()};
  disk.sizeMiB = sizeMiB;
  disk.instanceName = "inst1";
  return disk;
}

// Two nodes (separate roots) that see one shared directory, as the nodes
// of a cluster see one NFS export.
class SharedFileStorageTest : public ::testing::Test {
 protected:
  SharedFileStorageTest() {
    shared_ = nodeA_.root() / "shared";
    fs::create_directories(shared_);
    nodeA_.editPaths().sharedFileStorageDir = shared_;
    nodeB_.editPaths().sharedFileStorageDir = shared_;
    a_ = makePlugin<sdk::Storage>(kSharedDescriptor, &nodeA_);
    b_ = makePlugin<sdk::Storage>(kSharedDescriptor, &nodeB_);
  }

  TestHost nodeA_;
  TestHost nodeB_;
  fs::path shared_;
  PluginPtr<sdk::Storage> a_;
  PluginPtr<sdk::Storage> b_;
};

TEST(SharedFileStorageDescriptor, SharedObjectExportsAWorkingDescriptor) {
  const std::string path = std::string(GANTRY_PLUGIN_DIR) + "/storage/storage_sharedfile.so";
  void* lib = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(lib, nullptr) << ::dlerror();
  const auto* desc = static_cast<const GantryPluginDescriptor*>(
      ::dlsym(lib, GANTRY_PLUGIN_DESCRIPTOR_SYMBOL));
  ASSERT_NE(desc, nullptr);
  EXPECT_EQ(std::string(desc->kind), "storage");
  EXPECT_EQ(std::string(desc->name), "sharedfile");
  EXPECT_EQ(desc->create(nullptr), nullptr);
  TestHost host;
  auto storage = makePlugin<sdk::Storage>(*desc, &host);
  ASSERT_NE(storage, nullptr);
  EXPECT_EQ(storage->diskTemplate(), "sharedfile");
}

TEST_F(SharedFileStorageTest, ADiskMadeOnOneNodeIsUsableOnTheOther) {
  const fs::path file = shared_ / "inst1" / "9d1e.sharedfile.disk0";
  auto made = a_->create(diskAt(file));
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(made->devicePath, file);
  EXPECT_EQ(fs::file_size(file), 64u * 1024 * 1024);

  // The other node finds, assembles and opens the same file.
  auto found = b_->find(diskAt(file));
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->device.devicePath, file);
  auto assembled = b_->assemble(diskAt(file));
  ASSERT_TRUE(assembled.ok());
  EXPECT_EQ(assembled->devicePath, file);
  EXPECT_TRUE(b_->open(diskAt(file), true).ok());

  // Creating it again anywhere is refused: there is one file.
  auto again = b_->create(diskAt(file));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kExists);

  ASSERT_TRUE(b_->grow(diskAt(file), 16, false).ok());
  EXPECT_EQ(*a_->actualSizeBytes(diskAt(file)), 80 * 1024 * 1024);

  auto volumes = b_->listVolumes();
  ASSERT_TRUE(volumes.ok());
  ASSERT_EQ(volumes->size(), 1u);
  EXPECT_EQ((*volumes)[0].name, file.string());
  EXPECT_EQ((*volumes)[0].owner, "inst1");
  EXPECT_EQ((*volumes)[0].physical, shared_.string());

  ASSERT_TRUE(b_->remove(diskAt(file)).ok());
  EXPECT_FALSE(fs::exists(file));
  auto gone = a_->find(diskAt(file));
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
}

TEST_F(SharedFileStorageTest, PathsOutsideTheSharedDirAreRefused) {
  // A path in the node's own (non-shared) file storage dir is not a shared file.
  const fs::path local = nodeA_.paths().fileStorageDir / "inst1" / "x.disk0";
  auto r = a_->create(diskAt(local));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(r.error().message, "Path '" + local.string() +
                                   "' is not acceptable for shared file storage: not below '" +
                                   shared_.string() + "'");
  EXPECT_FALSE(fs::exists(local));
}

TEST_F(SharedFileStorageTest, SpaceIsThatOfTheSharedDir) {
  auto space = a_->spaceInfo();
  ASSERT_TRUE(space.ok());
  ASSERT_EQ(space->size(), 1u);
  EXPECT_EQ((*space)[0].key, shared_.string());
  EXPECT_GT((*space)[0].totalMiB, 0);
}

TEST_F(SharedFileStorageTest, ExclusiveStorageIsRefusedNamingTheTemplate) {
  auto disk = diskAt(shared_ / "inst1" / "d0");
  disk.exclusiveStorage = true;
  auto r = a_->create(disk);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "Shared file storage does not support exclusive storage");
}

TEST(SharedFileStorageConfig, AnUnsetSharedDirIsAnEnvironmentError) {
  TestHost host;
  host.editPaths().sharedFileStorageDir.clear();
  SharedFileStorage storage(&host);
  auto r = storage.create(diskAt("/srv/x/inst1/d0"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kEnvironment);
  EXPECT_EQ(r.error().message, "The shared file storage directory is not configured");
}

}  // namespace
}  // namespace gantry::plugins::sharedfile
