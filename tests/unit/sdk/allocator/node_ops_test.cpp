// Simulated placements: check order, soft versus hard checks, reversal.
#include <gtest/gtest.h>

#include "gantry/sdk/allocator/node_ops.h"

namespace gantry::sdk::allocator {
namespace {

Node node(int mem = 8192, int disk = 100000) {
  Node n = createNode("n", mem, 1024, mem - 1024, disk, disk, 4, 1, false, 1, 0, 0, false);
  n.idx = 0;
  n.failN1 = false;
  n.pMem = n.unallocatedMem() / n.tMem;
  return n;
}

Instance instance(int mem, int dsk, DiskTemplate dt = DiskTemplate::kPlain) {
  Instance i;
  i.name = "i";
  i.idx = 7;
  i.mem = mem;
  i.dsk = dsk;
  i.disks = {Disk{dsk, 1}};
  i.vcpus = 1;
  i.spindleUse = 1;
  i.diskTemplate = dt;
  return i;
}

TEST(AllocatorNodeOps, PrimaryAddUpdatesAndReverts) {
  const Node n = node();
  const Instance i = instance(1024, 2048);
  auto r = addPrimary(n, i, false);
  ASSERT_TRUE(r.ok());
  const Node& a = r.value();
  EXPECT_EQ(a.iMem, 1024);
  EXPECT_EQ(a.unallocatedMem(), n.unallocatedMem() - 1024);
  EXPECT_EQ(a.fDsk, n.fDsk - 2048);
  EXPECT_EQ(a.uCpu, n.uCpu + 1);
  EXPECT_EQ(a.pList, std::vector<int>{7});
  EXPECT_EQ(a.utilLoad.cpu, 1);
  const Node back = removePrimary(a, i);
  EXPECT_EQ(back.iMem, n.iMem);
  EXPECT_EQ(back.fDsk, n.fDsk);
  EXPECT_EQ(back.uCpu, n.uCpu);
  EXPECT_TRUE(back.pList.empty());
}

TEST(AllocatorNodeOps, HardMemoryCheckIgnoresForce) {
  auto r = addPrimary(node(), instance(9000, 10), true);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure(), FailMode::kMem);
}

TEST(AllocatorNodeOps, SoftChecksYieldToForce) {
  Node n = node();
  n.pTags["svc:a"] = 1;
  Instance i = instance(512, 10);
  i.exclTags = {"svc:a"};
  auto strict = addPrimary(n, i, false);
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.failure(), FailMode::kTags);
  auto forced = addPrimary(n, i, true);
  ASSERT_TRUE(forced.ok());
  EXPECT_EQ(forced.value().pTags.at("svc:a"), 2);
  EXPECT_EQ(forced.value().conflictingPrimaries(), 1);
}

TEST(AllocatorNodeOps, CpuRatioIsSoft) {
  Instance i = instance(128, 10);
  i.vcpus = 40;  // 41 / 4 > ratio 4
  auto r = addPrimary(node(), i, false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure(), FailMode::kCpu);
  EXPECT_TRUE(addPrimary(node(), i, true).ok());
}

TEST(AllocatorNodeOps, SecondaryNeedsDrbdAndReservesMemory) {
  const Node n = node();
  auto plain = addSecondary(n, instance(512, 10), 3);
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.failure(), FailMode::kDisk);
  auto drbd = addSecondary(n, instance(512, 10, DiskTemplate::kDrbd), 3);
  ASSERT_TRUE(drbd.ok());
  EXPECT_EQ(drbd.value().peers.at(3), 512);
  EXPECT_EQ(drbd.value().rMem, 512);
  EXPECT_EQ(drbd.value().fDsk, n.fDsk - 10);
  const Node back = removeSecondary(drbd.value(), [] {
    Instance i = instance(512, 10, DiskTemplate::kDrbd);
    i.pNode = 3;
    return i;
  }());
  EXPECT_EQ(back.rMem, 0);
  EXPECT_TRUE(back.peers.empty());
  // N+1: the reserve must stay below the free memory.
  auto big = addSecondary(n, instance(n.unallocatedMem(), 10, DiskTemplate::kDrbd), 3);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.failure(), FailMode::kMem);
}

TEST(AllocatorNodeOps, PolicyReportsFirstEntryFailure) {
  IPolicy p = defaultIPolicy();
  Instance i = instance(64, 2048);  // below min memory 128
  auto r = matchesPolicy(i, p, false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure(), FailMode::kMem);
  i.mem = 256;
  EXPECT_TRUE(matchesPolicy(i, p, false).ok());
  i.disks.push_back(Disk{64, 1});  // one disk below min size
  EXPECT_EQ(matchesPolicy(i, p, false).failure(), FailMode::kDisk);
  i.disks.pop_back();
  p.diskTemplates = {DiskTemplate::kDrbd};
  EXPECT_EQ(matchesPolicy(i, p, false).failure(), FailMode::kDisk);
  // Exclusive storage needs spindles on every disk.
  p = defaultIPolicy();
  i.disks[0].spindles.reset();
  EXPECT_EQ(matchesPolicy(i, p, true).failure(), FailMode::kSpindles);
}

TEST(AllocatorNodeOps, MigrationTags) {
  Node a = node(), b = node();
  a.migTags = {"m:x"};
  EXPECT_EQ(checkMigration(a, b).failure(), FailMode::kMig);
  b.rmigTags = {"m:x"};
  EXPECT_TRUE(checkMigration(a, b).ok());
}

}  // namespace
}  // namespace gantry::sdk::allocator
