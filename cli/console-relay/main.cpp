// gantry-console-relay: attaches the terminal to an instance's serial
// console through its node's daemon (see relay_contract.h). Run by
// `gnt-instance console`, not by operators.
#include <filesystem>
#include <iostream>
#include <string>

#include "cli/common/master_client.h"
#include "cli/console-relay/console_terminal.h"
#include "cli/console-relay/relay_contract.h"
#include "core/cluster/node_keys.h"
#include "core/luxi/errors.h"
#include "core/plugins/daemon_host.h"
#include "core/rpc/keys.h"

namespace gantry::cli::console_relay {
namespace {

// The node's RPC endpoint and key as this node accepted them.
core::rpc::NodeTarget nodeTarget(const std::string& node, const std::string& address,
                                 const std::filesystem::path& dataDir) {
  auto accepted = core::cluster::loadAcceptedNode(dataDir, node);
  if (!accepted) {
    throw core::luxi::opExecError("Cannot reach node " + node +
                                  " for the console: " + accepted.error().message);
  }
  core::rpc::NodeTarget target;
  target.name = node;
  target.address = address;
  target.port = accepted->port;
  target.serverKey = accepted->publicKey;
  return target;
}

int runRelay(const std::string& instance, const std::string& hypervisor, const std::string& node,
          const std::string& address) {
  const auto paths = core::plugins::hostPathsForRoot(rootDir());
  auto keys = core::rpc::loadKeyPair(paths.dataDir, core::rpc::kClusterKeyName);
  if (!keys) {
    throw core::luxi::opExecError("Cannot read the cluster key (run this on the master): " +
                                  keys.error().message);
  }
  const RelayedConsole target{instance, hypervisor, nodeTarget(node, address, paths.dataDir)};
  core::rpc::ClientOptions options;
  options.clientKeys = *keys;
  core::rpc::RpcClient rpc(options);
  switch (attachConsole(rpc, target)) {
    case ConsoleOutcome::kDetached:
      return 0;
    case ConsoleOutcome::kClosed:
      std::cerr << "\nThe console of instance " << instance << " closed (the instance stopped)\n";
      return 0;
    case ConsoleOutcome::kUnsupported:
      return kRelayUnsupportedExit;
  }
  return 0;
}

}  // namespace
}  // namespace gantry::cli::console_relay

int main(int argc, char** argv) {
  namespace relay = gantry::cli::console_relay;
  if (argc != 5) {
    std::cerr << "usage: " << relay::kRelayBinary
              << " INSTANCE HYPERVISOR NODE ADDRESS\n(run by gnt-instance console)\n";
    return 2;
  }
  return gantry::cli::runCommand(
      [&] { return relay::runRelay(argv[1], argv[2], argv[3], argv[4]); });
}
