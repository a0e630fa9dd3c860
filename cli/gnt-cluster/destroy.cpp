// gnt-cluster destroy --yes-do-it: OP_CLUSTER_DESTROY checks that only the
// master is left; then the master daemon is stopped and the cluster's
// files are removed from the root (the node key stays: it is the node's).
#include <iostream>

#include "cli/common/daemon_control.h"
#include "cli/gnt-cluster/commands.h"
#include "core/cluster/node_keys.h"
#include "core/luxi/errors.h"
#include "core/plugins/daemon_host.h"
#include "core/rpc/keys.h"

namespace gantry::cli::cluster {
namespace fs = std::filesystem;
using core::luxi::Json;

int destroy(const Invocation& inv) {
  if (!inv.options.flag("yes_do_it")) {
    std::cerr << "Destroying a cluster is irreversible. If you really want destroy this "
                 "cluster, supply the --yes-do-it option.\n";
    return 1;
  }
  auto client = connectMaster();
  submitAndWait(client, Json::array({Json{{"OP_ID", "OP_CLUSTER_DESTROY"}}}), inv, std::cout);
  const auto paths = core::plugins::hostPathsForRoot(rootDir());
  if (auto stopped = stopByPidFile(paths.runDir / "gantry-masterd.pid"); !stopped) {
    if (stopped.error().code != sdk::ErrorCode::kNotFound) {
      throw core::luxi::opExecError("Could not stop the master daemon: " +
                                    stopped.error().message);
    }
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(paths.dataDir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool keep = name.rfind(std::string(core::rpc::kNodeKeyName), 0) == 0;
    if (!keep) fs::remove_all(entry.path(), ec);
  }
  return 0;
}

}  // namespace gantry::cli::cluster
