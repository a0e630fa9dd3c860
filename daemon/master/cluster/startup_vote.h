// The master daemon's check before it takes the master role (Ganeti's
// masterd CheckMaster and its vote): this node must be the master in its
// own ssconf, and a majority of the cluster's nodes must name it.
#pragma once

#include <chrono>
#include <string>

#include "daemon/master/master_services.h"
#include "gantry/sdk/result.h"

namespace gantry::daemon::master {

/// kNotFound when the root has no node identity or no ssconf_master_node
/// (not a cluster node: nothing to check); kState "Not master, exiting."
/// when ssconf names another master. Otherwise this node's name.
sdk::Result<std::string> checkSsconfMaster(const std::filesystem::path& root,
                                           const std::filesystem::path& dataDir);

struct VoteOptions {
  int retries = 6;
  std::chrono::milliseconds interval{10000};
};

/// Asks every other node of the config which node is master; kState
/// with "Voting cannot be won by ..." or "Couldn't gather voting results
/// of enough nodes" when this node may not be master.
sdk::Result<void> gatherStartupVote(MasterServices& services, const std::string& self,
                                    const VoteOptions& options);

}  // namespace gantry::daemon::master
