#include "core/cluster/node_keys.h"

#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>

#include "cluster_test_support.h"
#include "core/rpc/keys.h"

namespace gantry::core::cluster {
namespace {

TEST(NodeKeysTest, SavesLoadsAndForgets) {
  test::ScratchDir dir;
  auto keys = rpc::generateCurveKeyPair();
  ASSERT_TRUE(keys.ok());
  auto missing = loadAcceptedNode(dir.path(), "node2");
  EXPECT_EQ(missing.error().code, sdk::ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message, "Node node2 has not been accepted (no known node key)");

  ASSERT_TRUE(saveAcceptedNode(dir.path(), "node2", {keys->publicKey, 1811}).ok());
  struct stat st{};
  ASSERT_EQ(::stat((dir.path() / "node-keys/node2.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto loaded = loadAcceptedNode(dir.path(), "node2");
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->publicKey, keys->publicKey);
  EXPECT_EQ(loaded->port, 1811);

  removeAcceptedNode(dir.path(), "node2");
  EXPECT_FALSE(loadAcceptedNode(dir.path(), "node2").ok());
}

TEST(NodeKeysTest, RefusesBadNamesKeysAndFiles) {
  test::ScratchDir dir;
  auto keys = rpc::generateCurveKeyPair();
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(saveAcceptedNode(dir.path(), "../evil", {keys->publicKey, 1}).error().code,
            sdk::ErrorCode::kInvalid);
  EXPECT_EQ(saveAcceptedNode(dir.path(), "node1", {"short", 1}).error().message,
            "Malformed node public key");
  std::filesystem::create_directories(dir.path() / "node-keys");
  std::ofstream(dir.path() / "node-keys/node3.json") << "{\"public_key\": 5}";
  EXPECT_EQ(loadAcceptedNode(dir.path(), "node3").error().code, sdk::ErrorCode::kEnvironment);
}

}  // namespace
}  // namespace gantry::core::cluster
