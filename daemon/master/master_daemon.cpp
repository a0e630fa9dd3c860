#include "daemon/master/master_daemon.h"

#include <csignal>
#include <fstream>
#include <iostream>
#include <pthread.h>
#include <unistd.h>

#include "core/cluster/json_access.h"
#include "core/config/store.h"
#include "core/jobs/job_errors.h"
#include "core/jobs/job_queue.h"
#include "core/locking/lock_manager.h"
#include "core/luxi/dispatch.h"
#include "core/luxi/errors.h"
#include "core/opcodes/implemented.h"
#include "core/opcodes/opcode.h"
#include "core/opcodes/summary.h"
#include "core/plugins/daemon_host.h"
#include "core/plugins/registry.h"
#include "core/rpc/client.h"
#include "core/rpc/keys.h"
#include "core/util/log.h"
#include "daemon/master/cluster/queue_replicator.h"
#include "daemon/master/cluster/startup_vote.h"
#include "daemon/master/lu/logical_unit.h"
#include "daemon/master/lu/processor.h"
#include "daemon/master/instance/creation_record.h"
#include "daemon/master/luxi_methods.h"
#include "daemon/master/luxi_server.h"

namespace gantry::daemon::master {
namespace fs = std::filesystem;

fs::path masterSocketPath(const fs::path& root) {
  return root / "var/run/gantry/socket/gantry-query";
}

namespace {

core::locking::InitialLocks initialLocks(const core::config::ConfigStore* store) {
  core::locking::InitialLocks locks;
  if (store == nullptr) return locks;
  store->read([&](const nlohmann::json& doc) {
    for (const auto& [uuid, inst] : core::cluster::objectMember(doc, "instances").items()) {
      locks.instances.push_back(inst.value("name", uuid));
    }
    for (const auto& [uuid, node] : core::cluster::objectMember(doc, "nodes").items()) {
      locks.nodes.push_back(node.value("name", uuid));
    }
    for (const auto& [uuid, group] : core::cluster::objectMember(doc, "nodegroups").items()) {
      locks.nodeGroups.push_back(group.value("name", uuid));
    }
    for (const auto& [uuid, net] : core::cluster::objectMember(doc, "networks").items()) {
      locks.networks.push_back(net.value("name", uuid));
    }
  });
  return locks;
}

void validateAtSubmit(const nlohmann::json& input) {
  auto parsed = core::opcodes::parseOpcode(input);
  if (!parsed.ok()) {
    throw core::luxi::opPrereqError(parsed.error().message,
                                    sdk::errorCodeName(parsed.error().code));
  }
  if (!core::opcodes::isImplemented(parsed->id())) {
    throw core::luxi::opPrereqError(core::opcodes::notImplementedMessage(parsed->id()),
                                    "wrong_input");
  }
}

class PidFile {
 public:
  explicit PidFile(fs::path path) : path_(std::move(path)) {
    std::ofstream(path_) << ::getpid() << "\n";
  }
  ~PidFile() { ::unlink(path_.c_str()); }

 private:
  fs::path path_;
};

}  // namespace

int runMasterDaemon(const MasterOptions& options) {
  // Signals are taken by sigwait below, never by a worker thread.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  const sdk::HostPaths paths = core::plugins::hostPathsForRoot(options.root);
  for (const auto& dir : {paths.dataDir, paths.runDir, paths.logDir}) {
    fs::create_directories(dir);
  }
  core::util::LoggerOptions logOptions;
  logOptions.file = paths.logDir / "master-daemon.log";
  auto logger = core::util::Logger::create(logOptions);
  if (!logger.ok()) {
    std::cerr << "Cannot open the log: " << logger.error().message << "\n";
    return 1;
  }
  auto log = [&](sdk::LogLevel level, const std::string& text) {
    (*logger)->log(level, text);
  };

  // A node whose ssconf names another master never takes the role (a
  // former master restarted after a failover).
  auto self = checkSsconfMaster(options.root, paths.dataDir);
  if (!self && self.error().code == sdk::ErrorCode::kState) {
    log(sdk::LogLevel::kError, self.error().message);
    std::cerr << self.error().message << "\n";
    return kExitNotMaster;
  }

  try {
    std::unique_ptr<core::config::ConfigStore> config;
    if (fs::exists(paths.dataDir / core::config::ConfigStore::kFileName)) {
      config = core::config::ConfigStore::open(paths.dataDir);
    } else {
      log(sdk::LogLevel::kWarning, "no config.data under " + paths.dataDir.string() +
                                       ": queries of the cluster are unavailable");
    }
    // Node daemons accept the cluster key only: without it the master
    // cannot call them (queries of live node data then show no data).
    std::unique_ptr<core::rpc::RpcClient> rpcClient;
    if (config) {
      auto keys = core::rpc::loadKeyPair(paths.dataDir, core::rpc::kClusterKeyName);
      if (keys) {
        core::rpc::ClientOptions rpcOptions;
        rpcOptions.clientKeys = *keys;
        rpcClient = std::make_unique<core::rpc::RpcClient>(rpcOptions);
      } else {
        log(sdk::LogLevel::kWarning, "no cluster key, node daemons cannot be called: " +
                                         keys.error().message);
      }
    }
    core::locking::LockManager locks(initialLocks(config.get()));
    core::plugins::DaemonHost host(paths, {}, [&](sdk::LogLevel level, std::string_view line) {
      log(level, std::string(line));
    });
    core::plugins::PluginRegistry plugins(&host);
    plugins.scan(core::plugins::PluginRegistry::defaultSearchPath());
    for (const auto& refused : plugins.refused()) {
      log(sdk::LogLevel::kWarning, "plugin refused: " + refused.describe());
    }

    MasterServices services;
    services.paths = paths;
    services.config = config.get();
    services.locks = &locks;
    services.plugins = &plugins;
    services.rpc = rpcClient.get();
    services.log = log;
    registerAllLogicalUnits();

    if (self && !options.noVoting) {
      if (auto won = gatherStartupVote(services, *self, {}); !won) {
        log(sdk::LogLevel::kError, won.error().message);
        std::cerr << won.error().message << "\n";
        return kExitNotMaster;
      }
    }
    // Creations a killed master left halfway are undone before any job runs.
    if (services.config != nullptr) undoUnfinishedCreations(services);
    // Declared before the queue: it outlives the queue's last writes.
    QueueReplicator replicator(services);

    Processor processor(services);
    core::jobs::JobQueueOptions queueOptions;
    queueOptions.dir = paths.dataDir / "queue";
    queueOptions.workers = options.workers;
    queueOptions.sync = options.sync;
    queueOptions.validate = validateAtSubmit;
    queueOptions.summary = [](const nlohmann::json& op) {
      return core::opcodes::summaryOfInput(op);
    };
    queueOptions.log = log;
    queueOptions.durable = [&replicator](core::jobs::DurableQueueChanges changes) {
      replicator.add(std::move(changes));
    };
    core::jobs::JobQueue queue(queueOptions);
    queue.start(processor);

    LuxiMethods methods(services, queue);
    auto handler = [&](core::luxi::Method method, const core::luxi::Request& request) {
      try {
        return methods.handle(method, request);
      } catch (const core::jobs::JobQueueError& e) {
        auto decoded = core::luxi::EncodedError::decode(e.encoded());
        if (decoded) throw *decoded;
        throw core::luxi::genericError(e.what());
      }
    };
    LuxiServer server(
        {masterSocketPath(options.root)},
        [&](std::string_view message) { return core::luxi::handleMessage(message, handler); },
        [&](const std::string& text) { log(sdk::LogLevel::kWarning, text); });
    server.start();
    PidFile pid(paths.runDir / "gantry-masterd.pid");
    log(sdk::LogLevel::kInfo, "master daemon started, serving " +
                                  masterSocketPath(options.root).string());

    int sig = 0;
    sigwait(&signals, &sig);
    log(sdk::LogLevel::kInfo, std::string("received signal ") + std::to_string(sig) +
                                  ", shutting down");
    queue.shutdown();
    server.stop();
    log(sdk::LogLevel::kInfo, "master daemon stopped");
    return 0;
  } catch (const std::exception& e) {
    log(sdk::LogLevel::kError, std::string("master daemon failed: ") + e.what());
    std::cerr << "gantry-masterd: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace gantry::daemon::master
