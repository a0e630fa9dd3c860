// htools text data and the simulated cluster.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "gantry/sdk/allocator/text_format.h"

namespace gantry::sdk::allocator {
namespace {

std::string readData(const std::string& file) {
  std::ifstream f(std::string(GANTRY_SHARED_DIR) + "/testdata/ganeti/test/data/htools/" + file);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(AllocatorTextFormat, ParsesPartlyUsedSample) {
  auto r = parseTextData(readData("partly-used.data"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ClusterData cd = std::move(r.value());
  ASSERT_EQ(cd.groups.size(), 1u);
  ASSERT_EQ(cd.nodes.size(), 5u);
  EXPECT_EQ(cd.nodes.at(0).name, "node-01");
  const auto warnings = finalizeCluster(cd, {});
  // Ganeti reports the same five nodes as missing 100 GB disk each.
  ASSERT_EQ(warnings.size(), 5u);
  EXPECT_EQ(warnings.front(), "node node-05 is missing 0 MB ram and 100 GB disk");
  for (const auto& [i, inst] : cd.instances) {
    EXPECT_GE(inst.pNode, 0);
    EXPECT_EQ(cd.nodes.at(inst.pNode).pList.front() >= 0, true);
  }
}

TEST(AllocatorTextFormat, RoundTrip) {
  auto r = parseTextData(readData("hbal-excl-tags.data"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ClusterData cd = std::move(r.value());
  finalizeCluster(cd, {});
  const std::string saved = formatTextData(cd);
  auto again = parseTextData(saved);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again.value().nodes.size(), cd.nodes.size());
  EXPECT_EQ(again.value().instances.size(), cd.instances.size());
  EXPECT_EQ(again.value().tags, cd.tags);
  EXPECT_EQ(formatTextData([&] {
              ClusterData c = again.value();
              finalizeCluster(c, {});
              return c;
            }()),
            saved);
}

TEST(AllocatorTextFormat, RejectsBrokenData) {
  EXPECT_FALSE(parseTextData("g|u|preferred\n").ok());
  EXPECT_FALSE(parseTextData(readData("invalid-node.data")).ok());
}

TEST(AllocatorTextFormat, Units) {
  EXPECT_EQ(parseUnit("16g").value(), 16384);
  EXPECT_EQ(parseUnit("8T").value(), 7629394);  // decimal terabytes in MiB
  EXPECT_EQ(parseUnit("2t").value(), 2 * 1024 * 1024);
  EXPECT_EQ(parseUnit("100").value(), 100);
  EXPECT_FALSE(parseUnit("12x").ok());
  EXPECT_FALSE(parseUnit("g").ok());
}

TEST(AllocatorTextFormat, SimulatedCluster) {
  auto r = simulateCluster({"p,8,8T,16g,16"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& cd = r.value();
  ASSERT_EQ(cd.nodes.size(), 8u);
  EXPECT_EQ(cd.groups.at(0).name, "group-01");
  const Node& n = cd.nodes.at(7);
  EXPECT_EQ(n.name, "node-01-008");
  EXPECT_EQ(n.tMem, 16384);
  EXPECT_EQ(n.fDsk, 7629394);
  EXPECT_EQ(n.tCpu, 16);
  EXPECT_FALSE(simulateCluster({"p,8"}).ok());
  EXPECT_FALSE(simulateCluster({"x,8,1T,1g,1"}).ok());
}

}  // namespace
}  // namespace gantry::sdk::allocator
