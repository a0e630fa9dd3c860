#include "core/cluster/master_voting.h"

#include <algorithm>

namespace gantry::core::cluster {

VoteList countVotes(const MasterAnswers& answers) {
  std::map<std::string, int> counts;
  for (const auto& [node, master] : answers) {
    if (master && !master->empty()) ++counts[*master];
  }
  VoteList votes(counts.begin(), counts.end());
  std::stable_sort(votes.begin(), votes.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return votes;
}

HealthCheck majorityHealthy(const std::vector<std::string>& nodes, const MasterAnswers& answers) {
  HealthCheck check;
  int answered = 0;
  for (const auto& node : nodes) {
    auto it = answers.find(node);
    if (it != answers.end() && it->second && !it->second->empty()) {
      ++answered;
    } else {
      check.unhealthy.push_back(node);
    }
  }
  check.majorityHealthy = 2 * answered > static_cast<int>(nodes.size());
  return check;
}

std::string pythonNameList(const std::vector<std::string>& names) {
  std::string out = "[";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    out += "'" + names[i] + "'";
  }
  return out + "]";
}

std::string unhealthyMajorityMessage(const std::vector<std::string>& unhealthy) {
  return "Master-failover with voting is only possible if the majority of nodes are still "
         "healthy; use the --no-voting option after ensuring by other means that you won't "
         "end up in a dual-master scenario. Unhealthy nodes: " +
         pythonNameList(unhealthy);
}

std::optional<std::string> wrongConfigurationMessage(const std::string& believedMaster,
                                                     const VoteList& votes) {
  if (votes.empty() || votes.front().first == believedMaster) return std::nullopt;
  return "I have a wrong configuration, I believe the master is " + believedMaster +
         " but the other nodes voted " + votes.front().first +
         ". Please resync the configuration of this node.";
}

std::optional<std::string> newerConfigMessage(
    std::int64_t ownSerial, const std::map<std::string, std::int64_t>& serials) {
  const std::pair<const std::string, std::int64_t>* newest = nullptr;
  for (const auto& entry : serials) {
    if (entry.second > ownSerial && (newest == nullptr || entry.second > newest->second)) {
      newest = &entry;
    }
  }
  if (newest == nullptr) return std::nullopt;
  return "Node " + newest->first + " has a newer configuration (serial " +
         std::to_string(newest->second) + ") than this node (serial " +
         std::to_string(ownSerial) +
         "); run the failover on that node or resync this node's configuration first";
}

StartupVote startupVote(const std::string& self, const VoteList& votes, int missing,
                        int nodeCount) {
  int forMe = 0;
  for (const auto& [name, count] : votes) {
    if (name == self) forMe = count;
  }
  if (2 * forMe > nodeCount) return StartupVote::kWon;
  if (2 * (forMe + missing) > nodeCount) return StartupVote::kUndecided;
  return StartupVote::kLost;
}

std::string startupVoteLostMessage(const std::string& self, int nodeCount,
                                   const VoteList& votes) {
  // Haskell's show of [(String, Int)].
  std::string list = "[";
  for (std::size_t i = 0; i < votes.size(); ++i) {
    if (i > 0) list += ",";
    list += "(\"" + votes[i].first + "\"," + std::to_string(votes[i].second) + ")";
  }
  list += "]";
  return "Voting cannot be won by " + self + ", valid votes of " + std::to_string(nodeCount) +
         " are " + list;
}

}  // namespace gantry::core::cluster
