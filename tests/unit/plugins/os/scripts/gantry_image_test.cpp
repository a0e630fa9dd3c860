// Gantry's own OS definition (os/gantry-image), run through the `scripts`
// provider from its build-tree copy, as a node finds it.
#include <gtest/gtest.h>

#include <chrono>

#include "os_fixture_support.h"
#include "scripts_os_provider.h"
#include "test_host_support.h"

namespace gantry::plugins::os_scripts {
namespace {

namespace fs = std::filesystem;
using plugins::testing::TestHost;
using testing::readText;
using testing::writeText;

constexpr std::size_t kImageBytes = 4096;

class GantryImageTest : public ::testing::Test {
 protected:
  GantryImageTest() {
    host_.editPaths().osSearchPath = {fs::path(GANTRY_BINARY_DIR) / "share/gantry/os"};
  }

  fs::path disk(const std::string& name, std::size_t bytes = 1024 * 1024) {
    const fs::path path = host_.root() / "disks" / name;
    writeText(path, "");
    fs::resize_file(path, bytes);
    return path;
  }

  sdk::OsRequest request(const std::string& name, const fs::path& diskPath) {
    sdk::OsRequest r;
    r.instance.name = name;
    r.instance.hypervisor = "fake";
    r.instance.os = "gantry-image+default";
    sdk::AttachedDisk d;
    d.devicePath = diskPath;
    d.devType = "file";
    d.logicalId = {"loop", diskPath.string()};
    d.sizeMiB = 1;
    r.instance.disks = {d};
    r.osName = r.instance.os;
    r.osParams = {{"label", std::string("web tier")}};
    r.output = &output_;
    return r;
  }

  std::string header(const fs::path& path) {
    const std::string data = readText(path);
    return data.substr(0, data.find('\0'));
  }

  TestHost host_;
  ScriptsOsProvider os_{&host_};
  std::string output_;
};

TEST_F(GantryImageTest, IsAValidApi20Definition) {
  auto def = os_.findOs("gantry-image");
  ASSERT_TRUE(def.ok()) << def.error().message;
  EXPECT_TRUE(def->valid) << def->diagnose;
  EXPECT_EQ(def->apiVersions, std::vector<int>{20});
  EXPECT_EQ(def->variants, (std::vector<std::string>{"default", "verbose"}));
  ASSERT_EQ(def->parameters.size(), 1u);
  EXPECT_EQ(def->parameters[0].first, "label");
  EXPECT_TRUE(def->trusted);
}

TEST_F(GantryImageTest, CreateWritesTheImageQuickly) {
  const fs::path d0 = disk("inst1.disk0");
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(os_.create(request("inst1.example.com", d0)).ok()) << output_;
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, std::chrono::seconds(1));
  EXPECT_EQ(header(d0),
            "GANTRY-IMAGE 1\nname=inst1.example.com\nos=gantry-image+default\n"
            "variant=default\nhypervisor=fake\nlabel=web tier\nend\n");
  // Only the image block is written; the disk keeps its size.
  const std::string data = readText(d0);
  EXPECT_EQ(data.size(), 1024u * 1024u);
  EXPECT_EQ(data.find_first_not_of('\0', header(d0).size()), std::string::npos);
  EXPECT_NE(output_.find("gantry-image: installed inst1.example.com on " + d0.string()),
            std::string::npos);
}

TEST_F(GantryImageTest, ReinstallOverwritesTheOldImage) {
  const fs::path d0 = disk("inst1.disk0");
  writeText(d0, std::string(8192, 'x'));
  auto r = request("inst1", d0);
  r.reinstall = true;
  r.osParams.clear();
  ASSERT_TRUE(os_.create(r).ok()) << output_;
  const std::string data = readText(d0);
  EXPECT_EQ(data.substr(0, 20), "GANTRY-IMAGE 1\nname=");
  EXPECT_EQ(data.substr(kImageBytes), std::string(8192 - kImageBytes, 'x'));
  EXPECT_NE(data.find("label=\nend\n"), std::string::npos);
  EXPECT_NE(output_.find("reinstalled inst1"), std::string::npos);
}

TEST_F(GantryImageTest, VerboseVariantShowsTheEnvironment) {
  const fs::path d0 = disk("inst1.disk0");
  auto r = request("inst1", d0);
  r.osName = "gantry-image+verbose";
  ASSERT_TRUE(os_.create(r).ok()) << output_;
  EXPECT_NE(output_.find("  OS_VARIANT=verbose\n"), std::string::npos) << output_;
  EXPECT_NE(output_.find("  DISK_0_PATH=" + d0.string() + "\n"), std::string::npos);
}

TEST_F(GantryImageTest, RenameChangesOnlyTheName) {
  const fs::path d0 = disk("inst1.disk0");
  ASSERT_TRUE(os_.create(request("inst1", d0)).ok()) << output_;
  auto r = request("inst2", d0);
  r.oldName = "inst1";
  ASSERT_TRUE(os_.rename(r).ok()) << output_;
  EXPECT_EQ(header(d0),
            "GANTRY-IMAGE 1\nname=inst2\nos=gantry-image+default\nvariant=default\n"
            "hypervisor=fake\nlabel=web tier\nend\n");
  EXPECT_NE(output_.find("renamed inst1 to inst2"), std::string::npos);

  const fs::path blank = disk("blank");
  auto blankRequest = request("inst3", blank);
  blankRequest.oldName = "inst2";
  auto failed = os_.rename(blankRequest);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("gantry-image: no gantry image on " + blank.string()),
            std::string::npos)
      << failed.error().message;
}

TEST_F(GantryImageTest, ExportAndImportCarryTheImage) {
  const fs::path d0 = disk("inst1.disk0");
  ASSERT_TRUE(os_.create(request("inst1", d0)).ok()) << output_;
  auto out = request("inst1", d0);
  out.streamFile = host_.root() / "inst1.dump";
  ASSERT_TRUE(os_.exportDisk(out).ok()) << output_;
  EXPECT_EQ(readText(out.streamFile).size(), kImageBytes);
  EXPECT_TRUE(host_.logged("announced 4096 bytes for disk 0"));

  const fs::path target = disk("inst1-copy.disk0");
  auto in = request("inst1", target);
  in.streamFile = out.streamFile;
  ASSERT_TRUE(os_.importDisk(in).ok()) << output_;
  EXPECT_EQ(header(target), header(d0));
  EXPECT_EQ(readText(target).size(), 1024u * 1024u);

  writeText(in.streamFile, "not an image");
  auto junk = os_.importDisk(in);
  ASSERT_FALSE(junk.ok());
  EXPECT_NE(junk.error().message.find("the imported data is not a gantry image"),
            std::string::npos);
}

TEST_F(GantryImageTest, FailsClearlyWithoutADisk) {
  auto r = request("inst1", "");
  r.instance.disks.clear();
  auto result = os_.create(r);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message,
            "OS create script failed (exited with exit code 1), last lines in the log "
            "file:\ngantry-image: instance inst1 has no disks");
}

TEST_F(GantryImageTest, VerifyChecksTheLabel) {
  EXPECT_TRUE(os_.validate("gantry-image+default", {{"label", std::string("ok")}}, false).ok());
  auto r = os_.validate("gantry-image+default", {{"label", std::string(65, 'a')}}, false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "OS validation script failed (exited with exit code 1), output: gantry-image: "
            "label must be at most 64 characters\n");
  EXPECT_EQ(os_.validate("gantry-image+default", {{"size", std::string("1")}}, false)
                .error()
                .message,
            "The following parameters are not supported by the OS gantry-image: size");
}

}  // namespace
}  // namespace gantry::plugins::os_scripts
