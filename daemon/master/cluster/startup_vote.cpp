#include "daemon/master/cluster/startup_vote.h"

#include <thread>

#include <nlohmann/json.hpp>

#include "core/cluster/identity.h"
#include "core/cluster/json_access.h"
#include "core/cluster/master_voting.h"
#include "core/config/store.h"
#include "core/rpc/small_file.h"
#include "daemon/master/cluster/node_rpc.h"

namespace gantry::daemon::master {
namespace fs = std::filesystem;
using nlohmann::json;
using sdk::Error;
using sdk::ErrorCode;

sdk::Result<std::string> checkSsconfMaster(const fs::path& root, const fs::path& dataDir) {
  auto self = core::cluster::loadIdentity(root);
  if (!self) return Error{ErrorCode::kNotFound, self.error().message};
  auto text = core::rpc::readSmallFile(dataDir / "ssconf_master_node", 4096);
  if (!text) return Error{ErrorCode::kNotFound, text.error().message};
  std::string master = *text;
  while (!master.empty() && (master.back() == '\n' || master.back() == ' ')) master.pop_back();
  if (master != self->name) return Error{ErrorCode::kState, "Not master, exiting."};
  return self->name;
}

sdk::Result<void> gatherStartupVote(MasterServices& services, const std::string& self,
                                    const VoteOptions& options) {
  if (services.config == nullptr) return sdk::ok();
  std::vector<core::rpc::NodeTarget> others;
  int nodeCount = 0;
  services.config->read([&](const json& doc) {
    for (const auto& [uuid, node] : core::cluster::objectMember(doc, "nodes").items()) {
      ++nodeCount;
      if (node.value("name", "") != self) others.push_back(nodeTarget(services, node));
    }
  });
  for (int attempt = 0;; ++attempt) {
    core::cluster::MasterAnswers answers;
    answers[self] = self;
    int missing = 0;
    for (const auto& reply : callNodes(services, others, "master_node_name", json::object(),
                                       std::chrono::seconds(5))) {
      if (reply.ok && reply.result.is_string()) {
        answers[reply.node] = reply.result.get<std::string>();
      } else {
        ++missing;
        services.log(sdk::LogLevel::kWarning,
                     "Error contacting node " + reply.node + ": " + reply.msg);
      }
    }
    const auto votes = core::cluster::countVotes(answers);
    switch (core::cluster::startupVote(self, votes, missing, nodeCount)) {
      case core::cluster::StartupVote::kWon:
        return sdk::ok();
      case core::cluster::StartupVote::kLost:
        return Error{ErrorCode::kState,
                     core::cluster::startupVoteLostMessage(self, nodeCount, votes)};
      case core::cluster::StartupVote::kUndecided:
        break;
    }
    if (attempt + 1 >= options.retries) {
      return Error{ErrorCode::kState, "Couldn't gather voting results of enough nodes"};
    }
    std::this_thread::sleep_for(options.interval);
  }
}

}  // namespace gantry::daemon::master
