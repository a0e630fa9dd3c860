#include "core/cluster/ssconf.h"

#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>

#include "candidates_ssconf_test_support.h"
#include "cluster_test_support.h"

namespace gantry::core::cluster {
namespace {

TEST(SsconfTest, ComputesGanetiKeys) {
  const auto v = computeSsconf(test::threeNodeConfig(10, true, false, true));
  EXPECT_EQ(v.at("cluster_name"), "cluster");
  EXPECT_EQ(v.at("master_node"), "node1");  // the name, not the uuid
  EXPECT_EQ(v.at("master_candidates"), "node1\nnode2");
  EXPECT_EQ(v.at("master_candidates_ips"), "127.0.1.1\n127.0.1.2");
  EXPECT_EQ(v.at("node_list"), "node1\nnode2\nnode3");
  EXPECT_EQ(v.at("node_primary_ips"), "node1 127.0.1.1\nnode2 127.0.1.2\nnode3 127.0.1.3");
  EXPECT_EQ(v.at("node_secondary_ips"), "node1 127.0.2.1\nnode2 127.0.2.2\nnode3 127.0.2.3");
  EXPECT_EQ(v.at("node_vm_capable"), "node1=True\nnode2=False\nnode3=True");
  EXPECT_EQ(v.at("online_nodes"), "node1\nnode2");
  EXPECT_EQ(v.at("offline_nodes"), "node3");
  EXPECT_EQ(v.at("instance_list"), "inst9\ninst10");  // natural order
  EXPECT_EQ(v.at("hypervisor_list"), "fake\nkvm");
  EXPECT_EQ(v.at("hvparams_fake"), "migration_mode=live");
  EXPECT_EQ(v.at("master_netmask"), "32");
  EXPECT_EQ(v.at("nodegroups"), "g1 default");
  EXPECT_EQ(v.at("file_storage_dir"), "/srv/x");
  EXPECT_EQ(v.at("cluster_tags"), "b\na");
}

TEST(SsconfTest, WritesReadOnlyFiles) {
  test::ScratchDir dir;
  ASSERT_TRUE(writeSsconfFiles(dir.path(), {{"cluster_name", "c"}, {"offline_nodes", ""},
                                            {"hvparams_xen-pvm", "a=b"}})
                  .ok());
  std::ifstream in(dir.path() / "ssconf_cluster_name");
  std::string text(std::istreambuf_iterator<char>(in), {});
  EXPECT_EQ(text, "c\n");
  EXPECT_EQ(std::filesystem::file_size(dir.path() / "ssconf_offline_nodes"), 0u);
  struct stat st{};
  ASSERT_EQ(::stat((dir.path() / "ssconf_hvparams_xen-pvm").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0444u);
  EXPECT_EQ(writeSsconfFiles(dir.path(), {{"../x", "y"}}).error().code,
            sdk::ErrorCode::kInvalid);
}

}  // namespace
}  // namespace gantry::core::cluster
