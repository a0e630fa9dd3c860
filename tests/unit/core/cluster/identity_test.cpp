#include "core/cluster/identity.h"

#include <gtest/gtest.h>

#include "cluster_test_support.h"

namespace gantry::core::cluster {
namespace {

TEST(NodeIdentityTest, ParsesAllKeys) {
  auto id = parseIdentity("# vcluster\nname=node2\nprimary_ip=127.0.1.2\n"
                          "secondary_ip=127.0.2.2\nrpc_port=24811\n");
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(id->name, "node2");
  EXPECT_EQ(id->primaryIp, "127.0.1.2");
  EXPECT_EQ(id->secondaryIp, "127.0.2.2");
  EXPECT_EQ(id->rpcPort, 24811);
}

TEST(NodeIdentityTest, SecondaryAndPortDefault) {
  auto id = parseIdentity("name=node1\nprimary_ip=127.0.1.1\n");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->secondaryIp, "127.0.1.1");
  EXPECT_EQ(id->rpcPort, kDefaultRpcPort);
}

TEST(NodeIdentityTest, RefusesBadText) {
  EXPECT_EQ(parseIdentity("primary_ip=127.0.1.1\n").error().message,
            "The node identity has no name");
  EXPECT_EQ(parseIdentity("name=n\n").error().message, "The node identity has no primary_ip");
  EXPECT_EQ(parseIdentity("name=n\nprimary_ip=1\nrpc_port=70000\n").error().message,
            "Invalid rpc_port '70000' in the node identity");
  EXPECT_EQ(parseIdentity("name=n\nprimary_ip=1\nrpc_port=12x\n").error().message,
            "Invalid rpc_port '12x' in the node identity");
  EXPECT_EQ(parseIdentity("name n\n").error().message,
            "Line 1 of the node identity is not key=value");
  EXPECT_EQ(parseIdentity("name=n\nprimary_ip=1\ncolour=red\n").error().message,
            "Unknown key 'colour' in the node identity");
}

TEST(NodeIdentityTest, SaveAndLoadRoundTrip) {
  test::ScratchDir dir;
  EXPECT_EQ(loadIdentity(dir.path()).error().code, sdk::ErrorCode::kNotFound);
  NodeIdentity id{"node7", "127.0.1.7", "127.0.2.7", 2000};
  ASSERT_TRUE(saveIdentity(dir.path(), id).ok());
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "etc/gantry/node-identity"));
  auto loaded = loadIdentity(dir.path());
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->name, "node7");
  EXPECT_EQ(loaded->secondaryIp, "127.0.2.7");
  EXPECT_EQ(loaded->rpcPort, 2000);
  EXPECT_EQ(formatIdentity(*loaded), formatIdentity(id));
}

}  // namespace
}  // namespace gantry::core::cluster
