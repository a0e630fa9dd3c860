#include <gtest/gtest.h>

#include "kvm_params.h"
#include "launch_spec.h"

namespace gantry::plugins::kvm {
namespace {

sdk::InstanceSpec instance() {
  sdk::InstanceSpec spec;
  spec.name = "inst1";
  spec.uuid = "u-1";
  spec.hvparams = {{"kvm_flag", std::string("disabled")}};
  spec.beparams = {{"maxmem", std::int64_t{512}}, {"minmem", std::int64_t{256}},
                   {"vcpus", std::int64_t{3}}};
  spec.startupMemoryMiB = 384;
  spec.vcpus = 2;
  sdk::AttachedDisk disk;
  disk.index = 0;
  disk.devicePath = "/srv/disk0";
  disk.sizeMiB = 64;
  spec.disks = {disk};
  sdk::NicSpec nic;
  nic.mac = "aa:00:00:00:00:01";
  nic.mode = "bridged";
  nic.link = "br0";
  spec.nics = {nic};
  return spec;
}

TEST(KvmLaunchSpec, TakesMemoryCpusAndFilledParameters) {
  auto spec = launchSpecFor(instance());
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->memoryMiB, 512);
  EXPECT_EQ(spec->startupMemoryMiB, 384);
  EXPECT_EQ(spec->vcpus, 2);
  sdk::InstanceSpec noCpus = instance();
  noCpus.vcpus = 0;  // then the beparam counts
  EXPECT_EQ(launchSpecFor(noCpus)->vcpus, 3);
  EXPECT_EQ(sdk::paramString(spec->hvparams, "kvm_flag"), "disabled");
  EXPECT_EQ(sdk::paramInt(spec->hvparams, "migration_port"), 8102);
  sdk::InstanceSpec noMemory = instance();
  noMemory.beparams.clear();
  noMemory.startupMemoryMiB = 0;
  EXPECT_FALSE(launchSpecFor(noMemory));
}

TEST(KvmLaunchSpec, RoundTripsThroughJson) {
  auto spec = launchSpecFor(instance());
  ASSERT_TRUE(spec);
  auto back = parseLaunchSpec(serializeLaunchSpec(*spec));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->name, "inst1");
  EXPECT_EQ(back->uuid, "u-1");
  EXPECT_EQ(back->hvparams, spec->hvparams);
  EXPECT_EQ(back->memoryMiB, 512);
  EXPECT_EQ(back->startupMemoryMiB, 384);
  ASSERT_EQ(back->disks.size(), 1u);
  EXPECT_EQ(back->disks[0].devicePath, "/srv/disk0");
  EXPECT_EQ(back->disks[0].sizeMiB, 64);
  ASSERT_EQ(back->nics.size(), 1u);
  EXPECT_EQ(back->nics[0].link, "br0");
  EXPECT_FALSE(parseLaunchSpec("{\"name\": 1}"));
  EXPECT_FALSE(parseLaunchSpec("not json"));
}

}  // namespace
}  // namespace gantry::plugins::kvm
