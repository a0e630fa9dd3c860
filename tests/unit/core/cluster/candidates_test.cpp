#include "core/cluster/candidates.h"

#include <gtest/gtest.h>

#include "candidates_ssconf_test_support.h"

namespace gantry::core::cluster {
namespace {

TEST(CandidatesTest, CountsCandidatesAndEligibleNodes) {
  auto stats = candidateStats(test::threeNodeConfig(10, true, false, true));
  EXPECT_EQ(stats.current, 2);
  EXPECT_EQ(stats.possible, 2);  // node3 is offline
  EXPECT_EQ(stats.desired, 2);
  stats = candidateStats(test::threeNodeConfig(1, true, true));
  EXPECT_EQ(stats.desired, 1);  // the pool size caps it
  stats = candidateStats(test::threeNodeConfig(10, true, true), {"u3"});
  EXPECT_EQ(stats.current, 2);
  EXPECT_EQ(stats.possible, 2);
}

TEST(CandidatesTest, NewNodeJoinsThePoolWhileItHasRoom) {
  EXPECT_TRUE(shouldPromoteNewNode(test::threeNodeConfig(10, true, true)));
  // A pool of 3 that is full: no room for a fourth.
  EXPECT_FALSE(shouldPromoteNewNode(test::threeNodeConfig(3, true, true)));
  // Readding node3 (left out): the pool of 3 has room again.
  EXPECT_TRUE(shouldPromoteNewNode(test::threeNodeConfig(3, true, true), {"u3"}));
  // node2 drained and not a candidate: it does not count as possible.
  EXPECT_TRUE(shouldPromoteNewNode(test::threeNodeConfig(2, false, false, false, true)));
}

}  // namespace
}  // namespace gantry::core::cluster
