#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "node_info.h"

namespace gantry::plugins::kvm {
namespace {

std::string sample(const std::string& name) {
  std::ifstream in(std::string(GANTRY_SHARED_DIR) + "/testdata/ganeti/test/data/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(KvmNodeInfo, ReadsGanetisSamples) {
  const std::string meminfo = sample("proc_meminfo.txt");
  const std::string cpuinfo = sample("proc_cpuinfo.txt");
  ASSERT_FALSE(meminfo.empty());
  auto info = parseNodeInfo(meminfo, cpuinfo);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->memoryTotalMiB, 32263108 / 1024);
  EXPECT_EQ(info->memoryFreeMiB, 21604764 / 1024);
  EXPECT_EQ(info->memoryDom0MiB, 32263108 / 1024 - 21604764 / 1024);
  EXPECT_EQ(info->cpuTotal, 4);
  EXPECT_EQ(info->cpuDom0, 4);
  EXPECT_EQ(info->cpuNodes, 1);
  EXPECT_EQ(info->cpuSockets, 1);
}

TEST(KvmNodeInfo, MissingMemAvailableIsAnError) {
  auto info = parseNodeInfo("MemTotal: 1024 kB\nMemFree: 512 kB\n", "processor : 0\n");
  ASSERT_FALSE(info);
  EXPECT_NE(info.error().message.find("MemAvailable"), std::string::npos);
}

}  // namespace
}  // namespace gantry::plugins::kvm

namespace gantry::plugins::kvm {
namespace {

TEST(KvmNodeInfo, GuestMemoryNotYetResidentIsNotFree) {
  sdk::NodeResources node;
  node.memoryTotalMiB = 4096;
  node.memoryFreeMiB = 3000;
  // 1024 promised, 200 already resident (and so already out of MemAvailable);
  // a guest using more than it was given counts nothing extra.
  const auto after = subtractGuests(node, {{1024, 200}, {128, 300}});
  EXPECT_EQ(after.memoryFreeMiB, 3000 - 824);
  EXPECT_EQ(after.memoryTotalMiB, 4096);
  EXPECT_EQ(subtractGuests(node, {{8192, 0}}).memoryFreeMiB, 0);
  EXPECT_EQ(subtractGuests(node, {}).memoryFreeMiB, 3000);
}

}  // namespace
}  // namespace gantry::plugins::kvm
