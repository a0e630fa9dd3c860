// gantry-noded: the node daemon. Serves the master's RPC procedures over
// ZeroMQ with CURVE on the node's own address, with the node's plugins
// loaded from the registry. Runs in the foreground until SIGTERM or SIGINT.
#include <signal.h>
#include <string.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <system_error>

#include "core/plugins/daemon_host.h"
#include "core/plugins/registry.h"
#include "core/rpc/join.h"
#include "core/rpc/keys.h"
#include "core/rpc/procedures.h"
#include "core/rpc/server.h"
#include "core/util/log.h"
#include "core/version.h"
#include "daemon/node/node_context.h"
#include "daemon/node/options.h"
#include "daemon/node/pid_file.h"

namespace {

namespace fs = std::filesystem;
namespace rpc = gantry::core::rpc;
using gantry::core::plugins::DaemonHost;
using gantry::core::plugins::PluginRegistry;
using gantry::core::util::Logger;
using gantry::daemon::node::Action;
using gantry::daemon::node::NodeContext;
using gantry::daemon::node::Options;

int fail(Logger* logger, const std::string& message) {
  if (logger != nullptr) logger->error(message);
  std::cerr << "Error: " << message << "\n";
  return 1;
}

void makeDirectories(const gantry::sdk::HostPaths& paths) {
  std::error_code ec;
  for (const auto& dir : {paths.dataDir, paths.runDir, paths.logDir,
                          paths.fileStorageDir}) {
    fs::create_directories(dir, ec);
  }
}

// The one-shot actions for the operator: they print and exit.
int runAction(const Options& options, const gantry::sdk::HostPaths& paths) {
  auto keys = rpc::loadOrCreateKeyPair(paths.dataDir, rpc::kNodeKeyName);
  if (!keys) return fail(nullptr, keys.error().message);
  auto fingerprint = rpc::curveKeyFingerprint(keys->publicKey);
  if (!fingerprint) return fail(nullptr, fingerprint.error().message);
  switch (options.action) {
    case Action::kPrintFingerprint:
      std::cout << *fingerprint << "\n";
      return 0;
    case Action::kPrintPublicKey:
      std::cout << keys->publicKey << "\n";
      return 0;
    case Action::kCreateJoinToken: {
      auto joined = rpc::loadClusterKey(paths.dataDir);
      if (!joined) return fail(nullptr, joined.error().message);
      if (*joined) return fail(nullptr, "This node has already joined a cluster");
      auto token = rpc::createJoinToken(paths.dataDir);
      if (!token) return fail(nullptr, token.error().message);
      std::cout << "token=" << *token << "\npublic_key=" << keys->publicKey
                << "\nfingerprint=" << *fingerprint << "\n";
      return 0;
    }
    default:
      return 0;
  }
}

int serve(const Options& options, const gantry::sdk::HostPaths& paths,
          const sigset_t& signals) {
  gantry::core::util::LoggerOptions logOptions;
  logOptions.file = paths.logDir / "node-daemon.log";
  logOptions.minLevel = options.debug ? gantry::sdk::LogLevel::kDebug
                                      : gantry::sdk::LogLevel::kInfo;
  auto created = Logger::create(logOptions);
  if (!created) return fail(nullptr, created.error().message);
  std::unique_ptr<Logger> logger = std::move(*created);
  logger->info(std::string("gantry-noded ") + gantry::core::version() +
               " starting, root " + paths.root.string());
  // Checked again by the server; here so a wrong address fails before
  // any key or plugin is touched.
  if (auto address = rpc::validateBindAddress(options.bindAddress); !address) {
    return fail(logger.get(), address.error().message);
  }

  bool generated = false;
  auto keys = rpc::loadOrCreateKeyPair(paths.dataDir, rpc::kNodeKeyName, &generated);
  if (!keys) return fail(logger.get(), keys.error().message);
  auto fingerprint = rpc::curveKeyFingerprint(keys->publicKey);
  if (!fingerprint) return fail(logger.get(), fingerprint.error().message);
  if (generated) logger->info("Generated the node's key pair");
  logger->info("Node key fingerprint: " + *fingerprint);

  auto clusterKey = rpc::loadClusterKey(paths.dataDir);
  if (!clusterKey) return fail(logger.get(), clusterKey.error().message);
  const fs::path dataDir = paths.dataDir;
  if (!*clusterKey && !rpc::joinTokenExists(dataDir)) {
    logger->warning("No cluster key (" + rpc::clusterKeyPath(dataDir).string() +
                    ") and no join token: every RPC client is refused until "
                    "one of them exists");
  }
  rpc::ClientAuthorizer authorizer(*clusterKey, [dataDir] {
    return rpc::joinTokenExists(dataDir);
  });

  Logger* log = logger.get();
  DaemonHost host(paths, options.settings,
                  [log](gantry::sdk::LogLevel level, std::string_view text) {
                    log->log(level, text);
                  });
  PluginRegistry registry(&host);
  auto searchPath = PluginRegistry::defaultSearchPath();
  searchPath.insert(searchPath.begin(), options.pluginPaths.begin(),
                    options.pluginPaths.end());
  registry.scan(searchPath);
  for (const auto& plugin : registry.loaded()) {
    logger->info("Loaded plugin " + plugin.kind + " " + plugin.name + " " +
                 plugin.version);
  }
  for (const auto& refused : registry.refused()) {
    logger->warning("Refused plugin " + refused.describe());
  }

  gantry::daemon::node::ConsoleRelay consoles;
  NodeContext node;
  node.consoles = &consoles;
  node.paths = paths;
  node.registry = &registry;
  node.authorizer = &authorizer;
  node.logger = log;
  node.nodeKeys = *keys;
  node.nodeFingerprint = *fingerprint;
  node.primaryAddress = options.bindAddress;
  // For testing cluster verify against a node of another version.
  if (auto v = options.settings.find("test.protocol_version"); v != options.settings.end()) {
    try {
      node.protocolVersion = std::stoi(v->second);
    } catch (const std::exception&) {
      return fail(log, "Invalid test.protocol_version '" + v->second + "'");
    }
  }
  rpc::ProcedureTable procedures;
  gantry::daemon::node::addNodeProcedures(procedures, node);

  auto pidFile = gantry::daemon::node::PidFile::acquire(
      options.pidFile.value_or(paths.runDir / "gantry-noded.pid"));
  if (!pidFile) return fail(log, pidFile.error().message);

  rpc::ServerOptions serverOptions;
  serverOptions.bindAddress = options.bindAddress;
  serverOptions.extraBindAddresses = options.extraBindAddresses;
  if (options.port != 0) serverOptions.port = options.port;
  serverOptions.serverKeys = *keys;
  serverOptions.workers = options.workers;
  if (options.maxMessageBytes) serverOptions.maxMessageBytes = *options.maxMessageBytes;
  serverOptions.log = [log](gantry::sdk::LogLevel level, std::string_view text) {
    log->log(level, text);
  };
  rpc::RpcServer server(serverOptions, procedures, authorizer);
  if (auto started = server.start(); !started) {
    return fail(log, started.error().message);
  }

  int signal = 0;
  while (sigwait(&signals, &signal) != 0) {
  }
  logger->info(std::string("Received signal ") + ::strsignal(signal) +
               ", shutting down");
  server.stop();
  pidFile->reset();
  logger->info("gantry-noded stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Every thread starts with these blocked; the main thread alone takes
  // them with sigwait and then shuts the server down in order.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  auto options = gantry::daemon::node::parseOptions(argc, argv);
  if (!options) {
    std::cerr << "Error: " << options.error().message << "\n"
              << gantry::daemon::node::usageText();
    return 2;
  }
  if (options->action == Action::kHelp) {
    std::cout << gantry::daemon::node::usageText();
    return 0;
  }
  const auto paths = gantry::core::plugins::hostPathsForRoot(options->root);
  makeDirectories(paths);
  if (options->action != Action::kServe) return runAction(*options, paths);
  return serve(*options, paths, signals);
}
