// The install's disk handling with the real tools on a disk image file:
// sfdisk's table read back, the root reached through an offset loop,
// formatted, mounted and written, and every loop device and mount gone
// afterwards, also when the install fails half-way. Loop devices and
// mounts need root; without it the tests that use them are skipped.
#include "disk_layout.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "debootstrap_os_provider.h"
#include "test_host_support.h"

namespace gantry::plugins::os_debootstrap {
namespace {
namespace fs = std::filesystem;
using plugins::testing::TestHost;

// `sfdisk --json` (util-linux 2.38.1) on a 64 MiB image after the table
// partitionDisk writes.
constexpr const char* kSfdiskJson = R"({
   "partitiontable": {
      "label": "dos",
      "id": "0xe4f18788",
      "device": "d.img",
      "unit": "sectors",
      "sectorsize": 512,
      "partitions": [
         {
            "node": "d.img1",
            "start": 2048,
            "size": 129024,
            "type": "83",
            "bootable": true
         }
      ]
   }
})";

std::string readText(const fs::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// What the machine still holds for `image`: loop devices over it, mounts
// under `dir`.
std::string leftovers(const fs::path& image, const fs::path& dir) {
  std::string found;
  TestHost probe;
  sdk::ProcessRequest request;
  request.argv = {"losetup", "--associated", image.string()};
  request.inheritEnv = true;
  if (auto listed = probe.runProcess(request); listed && !listed->out.empty()) {
    found += "loop: " + listed->out;
  }
  std::istringstream mounts(readText("/proc/self/mounts"));
  for (std::string line; std::getline(mounts, line);) {
    if (line.find(dir.string()) != std::string::npos) found += "mount: " + line + "\n";
  }
  return found;
}

class DiskImage : public ::testing::Test {
 protected:
  // An install of `os` with `params` onto the image as instance vm1.
  sdk::OsRequest installRequest(const std::string& os, sdk::ParamMap params) const {
    sdk::OsRequest request;
    request.osName = os;
    request.instance.name = "vm1";
    request.instance.disks.resize(1);
    request.instance.disks[0].devicePath = image_;
    request.osParams = std::move(params);
    return request;
  }
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "loop devices and mounts need root";
    image_ = host_.root() / "disk0.img";
    std::ofstream(image_).close();
    fs::resize_file(image_, 64 << 20);
  }
  TestHost host_{{{"debootstrap.cache_dir", "/nonexistent-cache-is-never-used"}}};
  fs::path image_;
};

TEST(DebootstrapDiskLayout, SfdiskJsonGivesTheRootSpan) {
  auto span = firstPartitionFromSfdiskJson(kSfdiskJson);
  ASSERT_TRUE(span.ok()) << span.error().message;
  EXPECT_EQ(span->offset, 2048u * 512);
  EXPECT_EQ(span->size, 129024u * 512);
  EXPECT_FALSE(firstPartitionFromSfdiskJson(R"({"partitiontable": {"partitions": []}})").ok());
  EXPECT_FALSE(firstPartitionFromSfdiskJson("not json").ok());
}

TEST_F(DiskImage, PartitionLoopFormatMountAndReleaseEverything) {
  CommandRunner run(host_);
  {
    auto span = partitionDisk(run, image_, "msdos");
    ASSERT_TRUE(span.ok()) << span.error().message;
    EXPECT_EQ(span->offset, 1u << 20);
    EXPECT_EQ(span->offset + span->size, 64u << 20);
    auto again = rootSpan(run, image_);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->offset, span->offset);
    auto loop = LoopDevice::attach(run, image_, *span);
    ASSERT_TRUE(loop.ok()) << loop.error().message;
    ASSERT_TRUE(run.run({"mkfs.ext4", "-q", "-F", (*loop)->path()}).ok()) << run.transcript();
    auto mounted = MountedFilesystem::mount(run, (*loop)->path(), host_.root() / "mnt");
    ASSERT_TRUE(mounted.ok()) << mounted.error().message;
    std::ofstream((*mounted)->path() / "written") << "on the partition\n";
    EXPECT_NE(leftovers(image_, host_.root()), "");
  }
  EXPECT_EQ(leftovers(image_, host_.root()), "");
  EXPECT_TRUE(fs::is_empty(host_.root() / "mnt"));
  // The filesystem is where the table says: mounted again through a new
  // offset loop, the file is there.
  auto span = rootSpan(run, image_);
  ASSERT_TRUE(span.ok());
  auto loop = LoopDevice::attach(run, image_, *span);
  ASSERT_TRUE(loop.ok());
  auto mounted = MountedFilesystem::mount(run, (*loop)->path(), host_.root() / "mnt");
  ASSERT_TRUE(mounted.ok());
  EXPECT_EQ(readText((*mounted)->path() / "written"), "on the partition\n");
}

TEST_F(DiskImage, WithoutPartitionsTheRootIsTheWholeDisk) {
  CommandRunner run(host_);
  ASSERT_TRUE(partitionDisk(run, image_, "msdos").ok());
  auto span = partitionDisk(run, image_, "none");
  ASSERT_TRUE(span.ok()) << span.error().message;
  EXPECT_EQ(span->offset, 0u);
  EXPECT_EQ(span->size, 64u << 20);
  auto found = rootSpan(run, image_);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->offset, 0u) << "the old table was wiped";
}

TEST_F(DiskImage, AFailedInstallLeavesNoLoopOrMountAndNoCache) {
  const fs::path cache = host_.root() / "cache";
  TestHost host({{"debootstrap.cache_dir", cache.string()}});
  DebootstrapOsProvider provider(&host);
  // A mirror that does not exist: debootstrap fails after the disk was
  // partitioned, formatted and mounted.
  sdk::OsRequest request =
      installRequest("debootstrap+minbase", {{"mirror", std::string("file:///nonexistent/debian")}});
  std::string output;
  request.output = &output;
  auto created = provider.create(request);
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.error().message.find("debootstrap install of vm1 failed"), std::string::npos)
      << created.error().message;
  EXPECT_NE(created.error().message.find("debootstrap --variant=minbase"), std::string::npos)
      << created.error().message;
  EXPECT_NE(output.find("# losetup --find --show --offset 1048576"), std::string::npos) << output;
  EXPECT_EQ(leftovers(image_, host.root()), "");
  EXPECT_TRUE(!fs::exists(cache) || fs::is_empty(cache));
}

TEST_F(DiskImage, RefusesBadParametersBeforeTouchingTheDisk) {
  DebootstrapOsProvider provider(&host_);
  auto created = provider.create(
      installRequest("debootstrap+default", {{"partition_style", std::string("gpt")}}));
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, sdk::ErrorCode::kInvalid);
  CommandRunner run(host_);
  EXPECT_FALSE(run.run({"sfdisk", "--json", image_.string()}).ok()) << "no table was written";
}

}  // namespace
}  // namespace gantry::plugins::os_debootstrap
