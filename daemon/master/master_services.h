// What the master daemon lends its logical units: the config store, the
// lock manager, the plugin registry, the job queue and the paths of the
// master's root. One instance per daemon.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "gantry/sdk/host.h"

namespace gantry::core::config {
class ConfigStore;
}
namespace gantry::core::locking {
class LockManager;
}
namespace gantry::core::plugins {
class PluginRegistry;
}
namespace gantry::core::rpc {
class RpcClient;
}

namespace gantry::daemon::master {

struct MasterServices {
  sdk::HostPaths paths;
  core::config::ConfigStore* config = nullptr;  // null before cluster init
  core::locking::LockManager* locks = nullptr;
  core::plugins::PluginRegistry* plugins = nullptr;
  /// Calls node daemons with the cluster key; null before cluster init.
  core::rpc::RpcClient* rpc = nullptr;
  std::function<void(sdk::LogLevel, const std::string&)> log;

  /// <root>/etc/gantry/hooks: per-LU hook directories live below it.
  std::filesystem::path hooksDir() const { return paths.root / "etc/gantry/hooks"; }
};

}  // namespace gantry::daemon::master
