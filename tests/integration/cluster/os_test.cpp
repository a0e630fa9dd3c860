// gnt-os list, info and diagnose on a 3-node virtual cluster: the shipped
// gantry-image OS everywhere, an OS broken on one node, and a node-local
// copy that shadows another.
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "cluster/vcluster_support.h"

namespace gantry::test {
namespace {
namespace fs = std::filesystem;

// A copy of the test fixture OS (Ganeti's format) under a node's own OS dir.
void installFixtureOs(const VirtualCluster& cluster, const std::string& node,
                      const std::string& name) {
  const fs::path target = cluster.root(node) / "srv/gantry/os" / name;
  fs::create_directories(target.parent_path());
  fs::copy(fs::path(GANTRY_SOURCE_DIR) / "tests/fixtures/os/envdump", target,
           fs::copy_options::recursive);
}

TEST(GntOsTest, ListInfoAndDiagnose) {
  VirtualCluster cluster(3);
  ASSERT_TRUE(cluster.upResult().succeeded()) << cluster.upResult().err;

  auto list = cluster.exec("node1", "gnt-os", {"list"});
  ASSERT_TRUE(list.succeeded()) << list.err;
  EXPECT_EQ(list.out, "Name                \ngantry-image+default\ngantry-image+verbose\n");
  auto bare = cluster.exec("node1", "gnt-os", {"list", "--no-headers"});
  EXPECT_EQ(bare.out, "gantry-image+default\ngantry-image+verbose\n");

  // envdump on two nodes only, and broken (no create script) on node3;
  // node2 also shadows gantry-image with a copy of its own.
  installFixtureOs(cluster, "node1", "envdump");
  installFixtureOs(cluster, "node2", "envdump");
  installFixtureOs(cluster, "node3", "envdump");
  fs::remove(cluster.root("node3") / "srv/gantry/os/envdump/create");
  fs::copy(fs::path(GANTRY_BINARY_DIR) / "share/gantry/os/gantry-image",
           cluster.root("node2") / "srv/gantry/os/gantry-image", fs::copy_options::recursive);

  list = cluster.exec("node1", "gnt-os", {"list", "--no-headers"});
  EXPECT_EQ(list.out, "gantry-image+default\ngantry-image+verbose\n") << "invalid OSes are left out";

  auto info = cluster.exec("node1", "gnt-os", {"info", "envdump", "nosuch"});
  ASSERT_TRUE(info.succeeded()) << info.err;
  EXPECT_EQ(info.out,
            "envdump:\n  - valid: False\n  - hidden: False\n  - blacklisted: False\n"
            "  - trusted: True\n\nnosuch: \n\n");

  auto diagnose = cluster.exec("node1", "gnt-os", {"diagnose"});
  EXPECT_EQ(diagnose.exitCode, 1) << diagnose.out << diagnose.err;
  EXPECT_NE(diagnose.out.find("OS: envdump [global status: partial valid]\n"), std::string::npos)
      << diagnose.out;
  EXPECT_NE(diagnose.out.find("status: invalid - "), std::string::npos) << diagnose.out;
  EXPECT_NE(diagnose.out.find("OS: gantry-image [global status: valid]\n  Variants: [default, "
                              "verbose]\n"),
            std::string::npos)
      << diagnose.out;
  EXPECT_NE(diagnose.out.find("    [hidden] path: "), std::string::npos) << diagnose.out;
  EXPECT_NE(diagnose.out.find("[API versions: 20, 15, 10] [variants: "), std::string::npos)
      << diagnose.out;
}

}  // namespace
}  // namespace gantry::test
