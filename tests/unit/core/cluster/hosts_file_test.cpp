#include "core/cluster/hosts_file.h"

#include <fstream>

#include <gtest/gtest.h>

#include "cluster_test_support.h"

namespace gantry::core::cluster {
namespace {

TEST(HostsFileTest, ParsesNamesAndAliases) {
  auto hosts = parseHosts("# comment\n127.0.1.1 node1 n1  # trailing\n\n"
                          "127.0.1.2\tnode2\n127.0.9.9 node1\n");
  EXPECT_EQ(hosts.at("node1"), "127.0.1.1");  // the first line wins
  EXPECT_EQ(hosts.at("n1"), "127.0.1.1");
  EXPECT_EQ(hosts.at("node2"), "127.0.1.2");
  EXPECT_EQ(hosts.count("comment"), 0u);
  EXPECT_EQ(hosts.count("trailing"), 0u);
}

TEST(HostsFileTest, ResolvesThroughTheRootsFileOnly) {
  test::ScratchDir dir;
  EXPECT_EQ(resolveHost(dir.path(), "node1").error().message,
            "can't resolve hostname 'node1'");
  std::filesystem::create_directories(dir.path() / "etc");
  std::ofstream(dir.path() / "etc/hosts") << "127.0.1.3 node3\n";
  auto ip = resolveHost(dir.path(), "node3");
  ASSERT_TRUE(ip.ok());
  EXPECT_EQ(*ip, "127.0.1.3");
  EXPECT_EQ(resolveHost(dir.path(), "localhost").error().code, sdk::ErrorCode::kNotFound);
}

}  // namespace
}  // namespace gantry::core::cluster
