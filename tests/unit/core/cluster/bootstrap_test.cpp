#include "core/cluster/bootstrap.h"

#include <regex>

#include <gtest/gtest.h>

#include "core/config/objects.h"

namespace gantry::core::cluster {
namespace {

InitParams walkthroughParams() {
  InitParams p;
  p.clusterName = "example-cluster";
  p.masterIp = "127.0.1.100";
  p.master = {"node1", "127.0.1.1", "127.0.2.1", 1811};
  p.enabledHypervisors = {"fake"};
  p.enabledDiskTemplates = {"file"};
  p.hvparams["fake"] = {{"migration_mode", "non-live"}};
  p.beparams = {{"maxmem", 256}};
  p.now = 1000.5;
  return p;
}

TEST(BootstrapTest, UuidsAreVersionFour) {
  const std::regex form("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  const std::string a = newUuid();
  EXPECT_TRUE(std::regex_match(a, form)) << a;
  EXPECT_NE(a, newUuid());
}

TEST(BootstrapTest, InitialConfigHasTheMasterAndDefaults) {
  const auto doc = buildInitialConfig(walkthroughParams());
  const auto data = config::ConfigData::fromJson(doc);
  EXPECT_EQ(data.version, 3010000);
  EXPECT_EQ(data.serialNo, 1);
  ASSERT_EQ(data.nodes.size(), 1u);
  ASSERT_EQ(data.nodegroups.size(), 1u);
  const auto& node = data.nodes.begin()->second;
  EXPECT_EQ(data.cluster.masterNode, node.uuid);
  EXPECT_EQ(node.name, "node1");
  EXPECT_EQ(node.secondaryIp, "127.0.2.1");
  EXPECT_TRUE(node.masterCandidate);
  EXPECT_EQ(node.group, data.nodegroups.begin()->second.uuid);
  EXPECT_EQ(data.nodegroups.begin()->second.name, "default");
  EXPECT_EQ(data.cluster.clusterName, "example-cluster");
  EXPECT_EQ(data.cluster.masterIp, "127.0.1.100");
  EXPECT_EQ(data.cluster.enabledHypervisors, std::vector<std::string>{"fake"});
  EXPECT_FALSE(data.cluster.volumeGroupName.has_value());  // no LVM template
  EXPECT_FALSE(data.cluster.drbdUsermodeHelper.has_value());
  EXPECT_EQ(data.cluster.hvparams.at("fake").at("migration_mode"), "non-live");
  EXPECT_EQ(data.cluster.beparams.at("default").at("maxmem"), 256);
  EXPECT_TRUE(data.cluster.beparams.at("default").contains("vcpus"));
  EXPECT_EQ(data.cluster.candidatePoolSize, 10);
  EXPECT_DOUBLE_EQ(data.cluster.ctime, 1000.5);
}

TEST(BootstrapTest, LvmTemplatesGetAVolumeGroupAndHelper) {
  auto p = walkthroughParams();
  p.enabledDiskTemplates = {"drbd", "plain"};
  const auto data = config::ConfigData::fromJson(buildInitialConfig(p));
  EXPECT_EQ(data.cluster.volumeGroupName.value_or(""), "xenvg");
  EXPECT_EQ(data.cluster.drbdUsermodeHelper.value_or(""), "/bin/true");
}

TEST(BootstrapTest, ChecksChoices) {
  auto p = walkthroughParams();
  p.enabledDiskTemplates = {"file", "floppy"};
  EXPECT_EQ(checkInitParams(p).error().message, "Disk templates unknown: floppy");
  p = walkthroughParams();
  p.enabledHypervisors = {"vmware"};
  EXPECT_EQ(checkInitParams(p).error().message,
            "Enabled hypervisors contains invalid entries: vmware");
  p = walkthroughParams();
  p.beparams = {{"colour", "red"}};
  EXPECT_EQ(checkInitParams(p).error().message, "Unknown backend parameter 'colour'");
  p = walkthroughParams();
  p.hvparams["fake"] = {{"nonsense", 1}};
  EXPECT_EQ(checkInitParams(p).error().message,
            "Unknown parameter 'nonsense' of hypervisor fake");
  EXPECT_TRUE(checkInitParams(walkthroughParams()).ok());
}

}  // namespace
}  // namespace gantry::core::cluster
