#include "core/cluster/master_voting.h"

#include <gtest/gtest.h>

namespace gantry::core::cluster {
namespace {

TEST(MasterVotingTest, CountsVotesMostFirstIgnoringSilentNodes) {
  const MasterAnswers answers = {{"node1", "node1"},
                                 {"node2", "node2"},
                                 {"node3", "node2"},
                                 {"node4", std::nullopt},
                                 {"node5", std::string()}};
  const VoteList votes = countVotes(answers);
  ASSERT_EQ(votes.size(), 2u);
  EXPECT_EQ(votes[0], (std::pair<std::string, int>{"node2", 2}));
  EXPECT_EQ(votes[1], (std::pair<std::string, int>{"node1", 1}));
  EXPECT_TRUE(countVotes({{"node1", std::nullopt}}).empty());
}

TEST(MasterVotingTest, HealthyMajorityNeedsMoreThanHalfAnswering) {
  const std::vector<std::string> nodes = {"node1", "node2", "node3"};
  auto two = majorityHealthy(nodes, {{"node1", "node1"}, {"node2", "node1"}});
  EXPECT_TRUE(two.majorityHealthy);
  EXPECT_EQ(two.unhealthy, std::vector<std::string>{"node3"});

  auto one = majorityHealthy(nodes, {{"node1", std::nullopt}, {"node2", "node1"}});
  EXPECT_FALSE(one.majorityHealthy);
  EXPECT_EQ(one.unhealthy, (std::vector<std::string>{"node1", "node3"}));
  // Half is not a majority.
  EXPECT_FALSE(majorityHealthy({"a", "b"}, {{"a", "a"}}).majorityHealthy);
}

TEST(MasterVotingTest, UnhealthyMessageNamesNodesAsPythonList) {
  EXPECT_EQ(unhealthyMajorityMessage({"node1", "node3"}),
            "Master-failover with voting is only possible if the majority of nodes are still "
            "healthy; use the --no-voting option after ensuring by other means that you won't "
            "end up in a dual-master scenario. Unhealthy nodes: ['node1', 'node3']");
  EXPECT_EQ(pythonNameList({}), "[]");
}

TEST(MasterVotingTest, WrongConfigurationWhenTopVoteDiffers) {
  EXPECT_FALSE(wrongConfigurationMessage("node1", {{"node1", 2}, {"node2", 1}}));
  EXPECT_FALSE(wrongConfigurationMessage("node1", {}));
  auto msg = wrongConfigurationMessage("node1", {{"node3", 2}, {"node1", 1}});
  ASSERT_TRUE(msg);
  EXPECT_EQ(*msg,
            "I have a wrong configuration, I believe the master is node1 but the other nodes "
            "voted node3. Please resync the configuration of this node.");
}

TEST(MasterVotingTest, NewestConfigMustTakeOver) {
  EXPECT_FALSE(newerConfigMessage(12, {{"node1", 12}, {"node3", 11}}));
  EXPECT_FALSE(newerConfigMessage(12, {}));
  auto msg = newerConfigMessage(10, {{"node1", 11}, {"node3", 14}, {"node4", 9}});
  ASSERT_TRUE(msg);
  EXPECT_EQ(*msg,
            "Node node3 has a newer configuration (serial 14) than this node (serial 10); run "
            "the failover on that node or resync this node's configuration first");
}

TEST(MasterVotingTest, StartupVoteWonUndecidedOrLost) {
  EXPECT_EQ(startupVote("node2", {{"node2", 2}, {"node1", 1}}, 0, 3), StartupVote::kWon);
  // One vote of three, two missing: could still be won.
  EXPECT_EQ(startupVote("node2", {{"node2", 1}}, 2, 3), StartupVote::kUndecided);
  // The others named node2: node1 cannot win.
  EXPECT_EQ(startupVote("node1", {{"node2", 2}, {"node1", 1}}, 0, 3), StartupVote::kLost);
  // Two of four is no majority, and nobody is left to ask.
  EXPECT_EQ(startupVote("a", {{"a", 2}, {"b", 2}}, 0, 4), StartupVote::kLost);
  EXPECT_EQ(startupVoteLostMessage("node1", 3, {{"node2", 2}, {"node1", 1}}),
            "Voting cannot be won by node1, valid votes of 3 are "
            "[(\"node2\",2),(\"node1\",1)]");
}

}  // namespace
}  // namespace gantry::core::cluster
