#include "diskless_storage.h"

#include <dlfcn.h>
#include <gtest/gtest.h>

#include "gantry/sdk/plugin_abi.h"
#include "test_host_support.h"

namespace gantry::plugins::diskless {
namespace {

using sdk::ErrorCode;
using testing::makePlugin;
using testing::TestHost;

sdk::DiskSpec someDisk() {
  sdk::DiskSpec disk;
  disk.ivName = "disk/0";
  disk.devType = "diskless";
  disk.instanceName = "inst1";
  disk.sizeMiB = 128;
  return disk;
}

TEST(DisklessStorage, SharedObjectExportsAWorkingDescriptor) {
  const std::string path = std::string(GANTRY_PLUGIN_DIR) + "/storage/storage_diskless.so";
  void* lib = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(lib, nullptr) << ::dlerror();
  const auto* desc = static_cast<const GantryPluginDescriptor*>(
      ::dlsym(lib, GANTRY_PLUGIN_DESCRIPTOR_SYMBOL));
  ASSERT_NE(desc, nullptr);
  EXPECT_EQ(std::string(desc->kind), "storage");
  EXPECT_EQ(std::string(desc->name), "diskless");
  EXPECT_EQ(desc->create(nullptr), nullptr);
  TestHost host;
  auto storage = makePlugin<sdk::Storage>(*desc, &host);
  ASSERT_NE(storage, nullptr);
  EXPECT_EQ(storage->diskTemplate(), "diskless");
}

TEST(DisklessStorage, MakingOrUsingADeviceIsRefused) {
  TestHost host;
  DisklessStorage storage(&host);
  auto created = storage.create(someDisk());
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(created.error().message,
            "Cannot create a disk of instance inst1: the diskless template has no disks");
  EXPECT_FALSE(storage.assemble(someDisk()).ok());
  EXPECT_FALSE(storage.open(someDisk(), true).ok());
  EXPECT_FALSE(storage.grow(someDisk(), 1, true).ok());
  EXPECT_FALSE(storage.rename(someDisk(), {"x"}).ok());
  EXPECT_FALSE(storage.setInfo(someDisk(), "tag").ok());
  EXPECT_FALSE(storage.actualSizeBytes(someDisk()).ok());
}

TEST(DisklessStorage, UndoingAndLookingUpFindNothingToDo) {
  TestHost host;
  DisklessStorage storage(&host);
  EXPECT_TRUE(storage.remove(someDisk()).ok());
  EXPECT_TRUE(storage.shutdown(someDisk()).ok());
  EXPECT_TRUE(storage.close(someDisk()).ok());
  auto found = storage.find(someDisk());
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
  EXPECT_TRUE(storage.listVolumes()->empty());
  EXPECT_TRUE(storage.spaceInfo()->empty());
}

TEST(DisklessStorage, HasNoParameters) {
  TestHost host;
  DisklessStorage storage(&host);
  EXPECT_TRUE(storage.parameters().empty());
  EXPECT_TRUE(storage.checkParameters({}).ok());
  auto bad = storage.checkParameters({{"stripes", std::int64_t{2}}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "Unknown parameter 'stripes'");
}

}  // namespace
}  // namespace gantry::plugins::diskless
