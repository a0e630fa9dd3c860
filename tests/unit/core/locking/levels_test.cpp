#include "core/locking/levels.h"

#include <gtest/gtest.h>

namespace locking = gantry::core::locking;
using locking::Level;
using locking::Mode;

TEST(LockLevels, NamesFollowGanetiOrder) {
  const char* expected[] = {"cluster", "instance", "nodegroup",
                            "node",    "node-res", "network"};
  ASSERT_EQ(locking::kAllLevels.size(), std::size(expected));
  for (std::size_t i = 0; i < locking::kAllLevels.size(); ++i) {
    EXPECT_EQ(locking::levelIndex(locking::kAllLevels[i]), i);
    EXPECT_EQ(locking::levelName(locking::kAllLevels[i]), expected[i]);
    EXPECT_EQ(locking::levelFromName(expected[i]), locking::kAllLevels[i]);
  }
  EXPECT_EQ(locking::levelFromName("node_res"), std::nullopt);
  EXPECT_EQ(locking::levelFromName(""), std::nullopt);
}

TEST(LockLevels, OnlyClusterIsFixed) {
  for (Level level : locking::kAllLevels) {
    EXPECT_EQ(locking::isModifiableLevel(level), level != Level::kCluster)
        << locking::levelName(level);
  }
}

TEST(LockLevels, FullLockNames) {
  EXPECT_EQ(locking::lockName(Level::kCluster, locking::kBglName),
            "cluster/BGL");
  EXPECT_EQ(locking::lockName(Level::kNodeRes, "node1.example.com"),
            "node-res/node1.example.com");
  EXPECT_EQ(locking::lockName(Level::kInstance, locking::kLockSetName),
            "instance/[lockset]");
  EXPECT_EQ(locking::modeName(Mode::kShared), "shared");
  EXPECT_EQ(locking::modeName(Mode::kExclusive), "exclusive");
}
