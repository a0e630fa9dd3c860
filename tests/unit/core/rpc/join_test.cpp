#include "core/rpc/join.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/rpc/authorizer.h"
#include "core/rpc/keys.h"

namespace {

namespace fs = std::filesystem;
using namespace gantry::core::rpc;
using gantry::sdk::ErrorCode;

class JoinTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("gantry-join-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    auto keys = generateCurveKeyPair();
    ASSERT_TRUE(keys.ok());
    clusterKey_ = keys->publicKey;
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  std::string clusterKey_;
};

TEST_F(JoinTest, TokenFileIsPrivateAndFresh) {
  auto first = createJoinToken(dir_);
  ASSERT_TRUE(first.ok()) << first.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(joinTokenPath(dir_).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_TRUE(joinTokenExists(dir_));
  auto second = createJoinToken(dir_);
  ASSERT_TRUE(second.ok());
  EXPECT_NE(*first, *second);
}

TEST_F(JoinTest, RightTokenStoresTheKeyAndIsUsedUp) {
  auto token = createJoinToken(dir_);
  ASSERT_TRUE(token.ok());
  EXPECT_FALSE(loadClusterKey(dir_).value().has_value());
  auto joined = completeJoin(dir_, *token, clusterKey_);
  ASSERT_TRUE(joined.ok()) << joined.error().message;
  EXPECT_FALSE(joinTokenExists(dir_));
  EXPECT_EQ(loadClusterKey(dir_).value(), clusterKey_);
  struct stat st {};
  ASSERT_EQ(::stat(clusterKeyPath(dir_).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);

  auto again = completeJoin(dir_, *token, clusterKey_);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kState);
  EXPECT_EQ(again.error().message, "This node has already joined a cluster");
}

TEST_F(JoinTest, WrongTokenChangesNothing) {
  auto token = createJoinToken(dir_);
  ASSERT_TRUE(token.ok());
  std::string wrong = *token;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  for (const std::string& bad : {wrong, std::string(), token->substr(1)}) {
    auto joined = completeJoin(dir_, bad, clusterKey_);
    ASSERT_FALSE(joined.ok());
    EXPECT_EQ(joined.error().code, ErrorCode::kInvalid);
    EXPECT_EQ(joined.error().message, "Invalid join token");
  }
  EXPECT_TRUE(joinTokenExists(dir_));
  EXPECT_FALSE(loadClusterKey(dir_).value().has_value());
  auto badKey = completeJoin(dir_, *token, "not a key");
  ASSERT_FALSE(badKey.ok());
  EXPECT_EQ(badKey.error().message, "Malformed cluster public key");
  EXPECT_TRUE(joinTokenExists(dir_));
}

TEST_F(JoinTest, NoTokenNoJoin) {
  auto joined = completeJoin(dir_, "abc", clusterKey_);
  ASSERT_FALSE(joined.ok());
  EXPECT_EQ(joined.error().code, ErrorCode::kState);
  EXPECT_NE(joined.error().message.find("no join token"), std::string::npos);
}

TEST_F(JoinTest, MalformedClusterKeyFileIsAnError) {
  fs::create_directories(dir_);
  std::ofstream(clusterKeyPath(dir_)) << "garbage\n";
  auto key = loadClusterKey(dir_);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().code, ErrorCode::kEnvironment);
}

TEST(ClientAuthorizer, OnlyTheClusterKeyOnceJoined) {
  bool tokenExists = true;
  ClientAuthorizer before(std::nullopt, [&] { return tokenExists; });
  EXPECT_EQ(before.access("anykey"), Access::kJoinOnly);
  tokenExists = false;
  EXPECT_EQ(before.access("anykey"), Access::kDenied);
  tokenExists = true;
  before.setClusterKey("clusterkey");
  EXPECT_EQ(before.access("clusterkey"), Access::kCluster);
  EXPECT_EQ(before.access("anykey"), Access::kDenied);
  ClientAuthorizer noToken(std::nullopt, nullptr);
  EXPECT_EQ(noToken.access("anykey"), Access::kDenied);
}

}  // namespace
