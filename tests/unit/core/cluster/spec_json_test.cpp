// The JSON forms of instances and disks the master sends to nodes.
#include <gtest/gtest.h>

#include "core/cluster/spec_json.h"

namespace gantry::core::cluster {
namespace {
using nlohmann::json;

TEST(SpecJson, DiskRoundTripKeepsEveryField) {
  sdk::DiskSpec disk;
  disk.uuid = "d1";
  disk.ivName = "disk/0";
  disk.devType = "file";
  disk.logicalId = {"loop", "/srv/x/inst/disk0"};
  disk.sizeMiB = 256;
  disk.params = {{"flag", true}, {"count", std::int64_t{3}}, {"name", std::string("v")}};
  disk.instanceName = "inst";
  disk.readOnly = true;
  sdk::DiskSpec child = disk;
  child.uuid = "d2";
  disk.children.push_back(child);
  const sdk::DiskSpec back = diskSpecFromJson(diskSpecToJson(disk));
  EXPECT_EQ(back.uuid, "d1");
  EXPECT_EQ(back.logicalId, disk.logicalId);
  EXPECT_EQ(back.sizeMiB, 256);
  EXPECT_EQ(back.params, disk.params);
  EXPECT_TRUE(back.readOnly);
  ASSERT_EQ(back.children.size(), 1u);
  EXPECT_EQ(back.children[0].uuid, "d2");
}

TEST(SpecJson, InstanceRoundTripKeepsEveryField) {
  sdk::InstanceSpec instance;
  instance.name = "inst";
  instance.uuid = "u";
  instance.hypervisor = "fake";
  instance.os = "gantry-image+default";
  instance.primaryNode = "node1";
  instance.beparams = {{"maxmem", std::int64_t{128}}};
  sdk::NicSpec nic;
  nic.uuid = "n1";
  nic.mac = "aa:00:00:00:00:01";
  nic.mode = "bridged";
  nic.link = "br0";
  instance.nics.push_back(nic);
  sdk::AttachedDisk disk;
  disk.uuid = "d1";
  disk.index = 0;
  disk.sizeMiB = 64;
  instance.disks.push_back(disk);
  instance.startupMemoryMiB = 128;
  const sdk::InstanceSpec back = instanceSpecFromJson(instanceSpecToJson(instance));
  EXPECT_EQ(back.name, "inst");
  EXPECT_EQ(back.beparams, instance.beparams);
  ASSERT_EQ(back.nics.size(), 1u);
  EXPECT_EQ(back.nics[0].mac, "aa:00:00:00:00:01");
  EXPECT_EQ(back.nics[0].link, "br0");
  ASSERT_EQ(back.disks.size(), 1u);
  EXPECT_EQ(back.disks[0].sizeMiB, 64);
  EXPECT_EQ(back.startupMemoryMiB, 128);
}

TEST(SpecJson, MalformedInputIsRefusedNamingTheField) {
  EXPECT_THROW(diskSpecFromJson(json::array()), SpecJsonError);
  EXPECT_THROW(diskSpecFromJson(json{{"size", 1}}), SpecJsonError);  // no dev_type
  try {
    diskSpecFromJson(json{{"dev_type", "file"}, {"size", "big"}});
    FAIL();
  } catch (const SpecJsonError& e) {
    EXPECT_STREQ(e.what(), "disk: field 'size' has the wrong type");
  }
  EXPECT_THROW(diskSpecFromJson(json{{"dev_type", "file"}, {"size", -1}}), SpecJsonError);
  EXPECT_THROW(instanceSpecFromJson(json{{"uuid", "x"}}), SpecJsonError);  // no name
  EXPECT_THROW(paramsFromJson(json{{"p", json::array()}}, "hvparams"), SpecJsonError);
}

}  // namespace
}  // namespace gantry::core::cluster
