// gnt-cluster init: run on the node that becomes the master (not through a
// job: there is no master yet). Creates the cluster's keys and secrets,
// config.data with this node as master, the ssconf files and the job
// queue directory, then starts gantry-masterd for the root.
//
// "This node" is the root's identity (core/cluster/identity.h).
#include <chrono>
#include <iostream>
#include <set>
#include <thread>

#include "cli/common/daemon_control.h"
#include "cli/gnt-cluster/commands.h"
#include "core/cluster/bootstrap.h"
#include "core/cluster/hosts_file.h"
#include "core/cluster/identity.h"
#include "core/cluster/node_keys.h"
#include "core/cluster/ssconf.h"
#include "core/config/store.h"
#include "core/luxi/errors.h"
#include "core/plugins/daemon_host.h"
#include "core/rpc/keys.h"
#include "core/rpc/secrets.h"
#include "core/util/atomic_file.h"

namespace gantry::cli::cluster {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

[[noreturn]] void fail(const std::string& message, const char* ecode = "wrong_input") {
  throw core::luxi::opPrereqError(message, ecode);
}

template <typename T>
T need(sdk::Result<T> result) {
  if (!result) fail(result.error().message, "environment_error");
  return std::move(*result);
}

void need(sdk::Result<void> result) {
  if (!result) fail(result.error().message, "environment_error");
}

core::cluster::InitParams paramsFrom(const Invocation& inv, const json& p,
                                     const core::cluster::NodeIdentity& self) {
  core::cluster::InitParams params;
  params.clusterName = inv.options.args.at(0);
  params.master = self;
  if (auto sip = inv.options.value("secondary_ip")) params.master.secondaryIp = *sip;
  if (p.contains("enabled_hypervisors")) {
    params.enabledHypervisors = p["enabled_hypervisors"].get<std::vector<std::string>>();
  }
  if (p.contains("enabled_disk_templates")) {
    params.enabledDiskTemplates = p["enabled_disk_templates"].get<std::vector<std::string>>();
  }
  if (p.contains("hvparams")) {
    for (const auto& [hv, values] : p["hvparams"].items()) params.hvparams[hv] = values;
  }
  if (p.contains("beparams")) params.beparams = p["beparams"];
  if (p.contains("nicparams")) params.nicparams = p["nicparams"];
  if (p.contains("ndparams")) params.ndparams = p["ndparams"];
  const bool lvm = std::count(params.enabledDiskTemplates.begin(),
                              params.enabledDiskTemplates.end(), "plain") +
                       std::count(params.enabledDiskTemplates.begin(),
                                  params.enabledDiskTemplates.end(), "drbd") >
                   0;
  if (p.contains("vg_name")) {
    params.vgName = p["vg_name"];
    if (params.vgName.empty() && lvm) {
      fail("LVM disk templates are enabled, but vg name not set.");
    }
  }
  if (p.contains("drbd_helper")) {
    params.drbdHelper = p["drbd_helper"];
    if (params.drbdHelper.empty() &&
        std::count(params.enabledDiskTemplates.begin(), params.enabledDiskTemplates.end(),
                   "drbd")) {
      fail("Unsetting the drbd usermode helper while enabling DRBD is not allowed.");
    }
  }
  if (p.contains("master_netdev")) params.masterNetdev = p["master_netdev"];
  if (p.contains("master_netmask")) params.masterNetmask = p["master_netmask"];
  if (p.contains("mac_prefix")) params.macPrefix = p["mac_prefix"];
  if (p.contains("file_storage_dir")) params.fileStorageDir = p["file_storage_dir"];
  if (p.contains("shared_file_storage_dir")) {
    params.sharedFileStorageDir = p["shared_file_storage_dir"];
  }
  if (p.contains("candidate_pool_size")) params.candidatePoolSize = p["candidate_pool_size"];
  if (p.contains("default_iallocator")) params.defaultIallocator = p["default_iallocator"];
  params.now = std::chrono::duration<double>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  return params;
}

void writeSecret(const fs::path& file) {
  auto secret = need(core::rpc::randomToken(32));
  try {
    core::util::atomicWriteFile(file, secret + "\n", 0600);
  } catch (const std::exception& e) {
    fail(e.what(), "environment_error");
  }
}

void createClusterFiles(const sdk::HostPaths& paths, const core::cluster::InitParams& params,
                        const core::cluster::NodeIdentity& self) {
  fs::create_directories(paths.dataDir);
  fs::permissions(paths.dataDir, fs::perms::owner_all | fs::perms::group_read |
                                     fs::perms::group_exec);
  auto clusterKeys = need(core::rpc::generateCurveKeyPair());
  need(core::rpc::saveKeyPair(paths.dataDir, core::rpc::kClusterKeyName, clusterKeys));
  writeSecret(paths.dataDir / "hmac.key");
  writeSecret(paths.dataDir / "cluster-domain-secret");
  // The master's own node daemon uses the pair from this root.
  auto nodeKeys = need(core::rpc::loadOrCreateKeyPair(paths.dataDir, core::rpc::kNodeKeyName));
  need(core::cluster::saveAcceptedNode(paths.dataDir, self.name,
                                       {nodeKeys.publicKey, self.rpcPort}));

  const json doc = core::cluster::buildInitialConfig(params);
  core::config::ConfigStore::create(paths.dataDir, doc).reset();
  need(core::cluster::writeSsconfFiles(paths.dataDir, core::cluster::computeSsconf(doc)));
  fs::create_directories(paths.dataDir / "queue");
  fs::permissions(paths.dataDir / "queue", fs::perms::owner_all);
  for (const auto& dir : {paths.runDir, paths.logDir}) fs::create_directories(dir);
}

// Init either completes or leaves the node's data directory as it found
// it, so that a failed init (a disk full, a bad parameter found late) can
// simply be run again: whatever appeared in the directory since the guard
// was made is removed unless keep() was called.
class UndoOnFailure {
 public:
  explicit UndoOnFailure(fs::path dir) : dir_(std::move(dir)), existed_(fs::exists(dir_)) {
    std::error_code ec;
    for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
      before_.insert(it->path().filename().string());
    }
  }
  ~UndoOnFailure() {
    if (kept_) return;
    std::error_code ec;
    if (!existed_) {
      fs::remove_all(dir_, ec);
      return;
    }
    std::vector<fs::path> created;
    for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
      if (!before_.count(it->path().filename().string())) created.push_back(it->path());
    }
    for (const auto& path : created) fs::remove_all(path, ec);
  }
  UndoOnFailure(const UndoOnFailure&) = delete;
  UndoOnFailure& operator=(const UndoOnFailure&) = delete;
  void keep() { kept_ = true; }

 private:
  fs::path dir_;
  bool existed_;
  std::set<std::string> before_;
  bool kept_ = false;
};

}  // namespace

// The master answers once its socket accepts; init returns only then so
// the next command finds it.
bool waitForMaster(const fs::path& socket) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < end) {
    try {
      core::luxi::ClientOptions options;
      options.socketPath = socket.string();
      core::luxi::Client client(options);
      client.connect();
      client.queryConfigValues({"cluster_name"});
      return true;
    } catch (const std::exception&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  return false;
}

int init(const Invocation& inv) {
  const fs::path root = rootDir();
  const auto paths = core::plugins::hostPathsForRoot(root);
  if (fs::exists(paths.dataDir / core::config::ConfigStore::kFileName)) {
    fail("Cluster is already initialised", "wrong_state");
  }
  auto self = core::cluster::loadIdentity(root);
  if (!self) {
    fail("Cannot tell which node this is: " + self.error().message +
             " (write the node identity file " + core::cluster::identityPath(root).string() +
             ")",
         "environment_error");
  }
  const json p = parametersFromOptions(inv.options);
  auto params = paramsFrom(inv, p, *self);
  if (auto ok = core::cluster::checkInitParams(params); !ok) fail(ok.error().message);
  auto clusterIp = core::cluster::resolveHost(root, params.clusterName);
  // Without an address of its own the cluster name means the master.
  params.masterIp = clusterIp ? *clusterIp : self->primaryIp;

  UndoOnFailure undo(paths.dataDir);
  try {
    createClusterFiles(paths, params, *self);
  } catch (const core::luxi::EncodedError&) {
    throw;
  } catch (const std::exception& e) {
    fail(e.what(), "environment_error");
  }
  // From here on the files are the cluster's: a master that is slow to
  // answer may still be starting on them.
  undo.keep();

  const fs::path masterd = siblingBinary("gantry-masterd");
  need(startDetached({masterd.string(), "--root", root.string()}));
  if (!waitForMaster(root / "var/run/gantry/socket/gantry-query")) {
    fail("The master daemon did not start; see " + (paths.logDir / "master-daemon.log").string(),
         "environment_error");
  }
  return 0;
}

}  // namespace gantry::cli::cluster
