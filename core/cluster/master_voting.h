// Which node the cluster believes is its master (Ganeti's master voting):
// every node is asked for its ssconf master_node; the answers are counted.
// `gnt-cluster master-failover` needs a healthy majority and agreement
// with its own view; a master daemon starting up needs a majority of all
// nodes voting for it. Pure functions over the answers, so the counting
// is tested without a cluster.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gantry::core::cluster {

/// Node name -> the master it named, nullopt when it did not answer.
using MasterAnswers = std::map<std::string, std::optional<std::string>>;

/// (voted name, votes), most votes first; ties by name.
using VoteList = std::vector<std::pair<std::string, int>>;

VoteList countVotes(const MasterAnswers& answers);

struct HealthCheck {
  bool majorityHealthy = false;
  std::vector<std::string> unhealthy;  // nodes that gave no answer, in order
};

/// A strict majority of `nodes` answered (Ganeti's MajorityHealthy);
/// `nodes` in ssconf order.
HealthCheck majorityHealthy(const std::vector<std::string>& nodes, const MasterAnswers& answers);

/// Python's repr of a list of names: ['node1', 'node3'].
std::string pythonNameList(const std::vector<std::string>& names);

/// The refusal of a failover with voting without a healthy majority.
std::string unhealthyMajorityMessage(const std::vector<std::string>& unhealthy);

/// The refusal when the top-voted master is not the one this node
/// believes in; nullopt when they agree (or nobody voted).
std::optional<std::string> wrongConfigurationMessage(const std::string& believedMaster,
                                                     const VoteList& votes);

/// The candidate with the newest config must take over: a refusal naming
/// the node with the highest serial above `ownSerial`, nullopt if none.
std::optional<std::string> newerConfigMessage(std::int64_t ownSerial,
                                              const std::map<std::string, std::int64_t>& serials);

enum class StartupVote { kWon, kUndecided, kLost };

/// A master daemon's startup vote: `votes` counts every node that
/// answered (this node's own vote included), `missing` the nodes that did
/// not (unreachable or offline), out of `nodeCount` nodes.
StartupVote startupVote(const std::string& self, const VoteList& votes, int missing,
                        int nodeCount);

/// "Voting cannot be won by <self>, valid votes of <n> are <counts>".
std::string startupVoteLostMessage(const std::string& self, int nodeCount,
                                   const VoteList& votes);

}  // namespace gantry::core::cluster
