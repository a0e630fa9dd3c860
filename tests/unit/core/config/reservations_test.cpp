#include "core/config/reservations.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config/store.h"

namespace {

namespace fs = std::filesystem;
using gantry::core::config::ConfigStore;
using gantry::core::config::ConfigStoreOptions;
using gantry::core::config::jsonPointer;
using gantry::core::config::ReservationError;
using gantry::core::config::Reservations;
using gantry::core::config::StoreOp;
using Json = nlohmann::json;
namespace sdk = gantry::sdk;

const fs::path kSample =
    fs::path(GANTRY_SHARED_DIR) / "testdata/ganeti/test/data/cluster_config_3.1.json";
// The sample's DRBD disk runs on these two nodes with minors 0 and 0.
constexpr const char* kDrbdNodeA = "9a12d554-75c0-4cb1-8064-103365145db0";
constexpr const char* kDrbdNodeB = "41f9c238-173c-4120-9e41-04ad379b647a";
constexpr const char* kPlainNode = "2ae3d962-2dad-44f2-bdb1-85f77107f907";
constexpr const char* kNetwork = "99f0128a-1c84-44da-90b9-9581ea00c075";

template <typename F>
sdk::ErrorCode codeOf(F&& f) {
  try {
    f();
  } catch (const ReservationError& e) {
    return e.code();
  }
  ADD_FAILURE() << "no ReservationError";
  return sdk::ErrorCode::kFault;
}

class ReservationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/gantry-reserve-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    fs::copy_file(kSample, dir_ / "config.data");
    ConfigStoreOptions options;
    options.background_compaction = false;
    store_ = ConfigStore::open(dir_, options);
    reservations_ = std::make_unique<Reservations>(*store_);
  }
  void TearDown() override {
    reservations_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  fs::path dir_;
  std::unique_ptr<ConfigStore> store_;
  std::unique_ptr<Reservations> reservations_;
};

TEST_F(ReservationsTest, UuidsAreVersion4AndUnique) {
  const std::regex form("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string uuid = reservations_->generateUuid(1);
    EXPECT_TRUE(std::regex_match(uuid, form)) << uuid;
    seen.insert(uuid);
  }
  EXPECT_EQ(seen.size(), 200u);
  EXPECT_EQ(reservations_->countOwnedBy(1), 200u);
}

TEST_F(ReservationsTest, MacsUseClusterPrefixAndAvoidConfigAndReservations) {
  std::set<std::string> in_config;
  store_->read([&](const Json& doc) {
    for (const auto& [uuid, instance] : doc["instances"].items()) {
      for (const auto& nic : instance["nics"]) in_config.insert(nic["mac"].get<std::string>());
    }
  });
  ASSERT_FALSE(in_config.empty());
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string mac = reservations_->generateMac(i % 2 ? "job-a" : "job-b");
    EXPECT_TRUE(std::regex_match(mac, std::regex("aa:bb:cc(:[0-9a-f]{2}){3}"))) << mac;
    EXPECT_EQ(in_config.count(mac), 0u);
    seen.insert(mac);
  }
  EXPECT_EQ(seen.size(), 100u);

  EXPECT_EQ(codeOf([&] { reservations_->reserveMac(5, *in_config.begin()); }),
            sdk::ErrorCode::kNotUnique);
  reservations_->reserveMac(5, "AA:00:00:11:22:33");
  reservations_->reserveMac(5, "aa:00:00:11:22:33");  // same owner: fine
  EXPECT_EQ(codeOf([&] { reservations_->reserveMac(6, "aa:00:00:11:22:33"); }),
            sdk::ErrorCode::kNotUnique);
  EXPECT_EQ(codeOf([&] { reservations_->reserveMac(6, "aa:00:00:11:22"); }),
            sdk::ErrorCode::kInvalid);
  reservations_->releaseAll(5);
  reservations_->reserveMac(6, "aa:00:00:11:22:33");
}

TEST_F(ReservationsTest, MacUsesNetworkPrefixWhenItHasOne) {
  // The sample's network has no prefix of its own: the cluster's applies.
  EXPECT_EQ(reservations_->generateMac(1, kNetwork).substr(0, 8), "aa:bb:cc");
  store_->commit({StoreOp::put(jsonPointer({"networks", kNetwork, "mac_prefix"}), "ee:00:11")});
  EXPECT_EQ(reservations_->generateMac(1, kNetwork).substr(0, 8), "ee:00:11");
  EXPECT_EQ(codeOf([&] { reservations_->generateMac(1, "no-such-network"); }),
            sdk::ErrorCode::kNotFound);
}

TEST_F(ReservationsTest, DrbdMinorsSkipThoseInConfigAndReserved) {
  EXPECT_EQ(reservations_->allocateDrbdMinors("job1", {kDrbdNodeA, kDrbdNodeB}),
            (std::vector<int>{1, 1}));
  EXPECT_EQ(reservations_->allocateDrbdMinors("job2", {kDrbdNodeA, kPlainNode}),
            (std::vector<int>{2, 0}));
  // Both ends on one node get two minors.
  EXPECT_EQ(reservations_->allocateDrbdMinors("job2", {kPlainNode, kPlainNode}),
            (std::vector<int>{1, 2}));
  reservations_->releaseAll("job1");
  EXPECT_EQ(reservations_->allocateDrbdMinors("job3", {kDrbdNodeB, kDrbdNodeA}),
            (std::vector<int>{1, 1}));
  EXPECT_EQ(codeOf([&] { reservations_->allocateDrbdMinors("job3", {"no-such-node"}); }),
            sdk::ErrorCode::kNotFound);
}

TEST_F(ReservationsTest, DrbdMinorsSeeCommittedDisks) {
  Json disk = store_->get("/disks/77ced3a5-6756-49ae-8d1f-274e27664c05");
  disk["uuid"] = "11111111-2222-4333-8444-555555555555";
  disk["logical_id"][3] = 1;
  disk["logical_id"][4] = 3;
  store_->commit({StoreOp::put(jsonPointer({"disks", disk["uuid"].get<std::string>()}), disk)});
  EXPECT_EQ(reservations_->allocateDrbdMinors(7, {kDrbdNodeA, kDrbdNodeB}),
            (std::vector<int>{2, 1}));
}

TEST_F(ReservationsTest, DrbdSecretsAreUniqueHex) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const std::string secret = reservations_->generateDrbdSecret(1);
    EXPECT_TRUE(std::regex_match(secret, std::regex("[0-9a-f]{40}"))) << secret;
    EXPECT_NE(secret, "d3c3fd475fcbaf5fd177fb245ac43b71247ada38");
    seen.insert(secret);
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST_F(ReservationsTest, PortsComeFromPoolThenHighestUsedPort) {
  // The sample's pool is [32104, 32105, 32101, 32102, 32103].
  const std::int64_t serial = store_->serial();
  std::vector<int> ports;
  for (int i = 0; i < 5; ++i) ports.push_back(reservations_->allocatePort());
  EXPECT_EQ(ports, (std::vector<int>{32101, 32102, 32103, 32104, 32105}));
  EXPECT_EQ(store_->get("/cluster/tcpudp_port_pool"), Json::array());
  EXPECT_EQ(store_->serial(), serial + 5);  // each one persisted

  // The sample's highest_used_port (32105) is already past the limit.
  try {
    reservations_->allocatePort();
    FAIL() << "port past 14999 handed out";
  } catch (const ReservationError& e) {
    EXPECT_STREQ(e.what(), "The highest used port is greater than 14999. Aborting.");
  }
  EXPECT_EQ(store_->get("/cluster/highest_used_port"), 32105);

  store_->commit({StoreOp::put("/cluster/highest_used_port", 10999)});
  EXPECT_EQ(reservations_->allocatePort(), 11000);
  EXPECT_EQ(reservations_->allocatePort(), 11001);
  EXPECT_EQ(store_->get("/cluster/highest_used_port"), 11001);

  reservations_->releasePort(11000);
  EXPECT_EQ(store_->get("/cluster/tcpudp_port_pool"), Json::array({11000}));
  EXPECT_EQ(reservations_->allocatePort(), 11000);

  store_->commit({StoreOp::put("/cluster/highest_used_port", 14997)});
  EXPECT_EQ(reservations_->allocatePort(), 14998);
  EXPECT_THROW(reservations_->allocatePort(), ReservationError);
  EXPECT_EQ(store_->get("/cluster/highest_used_port"), 14998);
}

TEST_F(ReservationsTest, IpsAreReservedOncePerNetwork) {
  reservations_->reserveIp(1, kNetwork, "203.0.113.5");
  reservations_->reserveIp(1, kNetwork, "203.0.113.5");
  EXPECT_EQ(codeOf([&] { reservations_->reserveIp(2, kNetwork, "203.0.113.5"); }),
            sdk::ErrorCode::kNotUnique);
  reservations_->reserveIp(2, kNetwork, "203.0.113.6");
  EXPECT_EQ(codeOf([&] { reservations_->reserveIp(2, "no-such-network", "10.0.0.1"); }),
            sdk::ErrorCode::kNotFound);
  reservations_->releaseAll(1);
  reservations_->reserveIp(2, kNetwork, "203.0.113.5");
  EXPECT_EQ(reservations_->countOwnedBy(2), 2u);
  EXPECT_EQ(reservations_->countOwnedBy(1), 0u);
}

TEST_F(ReservationsTest, NamesInConfigOrReservedAreRefused) {
  EXPECT_EQ(codeOf([&] { reservations_->reserveName(1, "instance3.example.com"); }),
            sdk::ErrorCode::kNotUnique);
  reservations_->reserveName(1, "new.example.com");
  EXPECT_EQ(codeOf([&] { reservations_->reserveName(2, "new.example.com"); }),
            sdk::ErrorCode::kNotUnique);
  reservations_->releaseAll(1);
  reservations_->reserveName(2, "new.example.com");
}

TEST_F(ReservationsTest, ReleaseAllDropsOnlyThatOwner) {
  reservations_->generateUuid(10);
  reservations_->generateMac(10);
  reservations_->allocateDrbdMinors(10, {kDrbdNodeA});
  reservations_->reserveName(10, "x.example.com");
  reservations_->generateUuid(11);
  EXPECT_EQ(reservations_->countOwnedBy(10), 4u);
  reservations_->releaseAll(10);
  EXPECT_EQ(reservations_->countOwnedBy(10), 0u);
  EXPECT_EQ(reservations_->countOwnedBy(11), 1u);
}

TEST_F(ReservationsTest, ConcurrentMinorAllocationsNeverCollide) {
  std::vector<std::vector<int>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        got[t].push_back(reservations_->allocateDrbdMinors(t, {kDrbdNodeA})[0]);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<int> all;
  for (const auto& minors : got) all.insert(minors.begin(), minors.end());
  EXPECT_EQ(all.size(), 200u);
  EXPECT_EQ(*all.begin(), 1);
  EXPECT_EQ(*all.rbegin(), 200);
}

}  // namespace
