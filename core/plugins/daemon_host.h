// The sdk::Host a daemon lends its plugins: paths under the node's root,
// the daemon's log, the process runner, and settings from the command line.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "gantry/sdk/host.h"

namespace gantry::core::plugins {

/// The directory layout of a node whose root is `root` ("/" on a real node):
/// var/lib/gantry, var/run/gantry, var/log/gantry, srv/gantry/{file-storage,
/// shared-file-storage,os,extstorage}.
sdk::HostPaths hostPathsForRoot(const std::filesystem::path& root);

class DaemonHost : public sdk::Host {
 public:
  using LogSink = std::function<void(sdk::LogLevel, std::string_view)>;

  DaemonHost(sdk::HostPaths paths, std::map<std::string, std::string> settings,
             LogSink sink);

  void log(sdk::LogLevel level, std::string_view message) override;
  const sdk::HostPaths& paths() const override { return paths_; }
  sdk::Result<sdk::ProcessResult> runProcess(
      const sdk::ProcessRequest& request) override;
  std::optional<std::string> setting(std::string_view key) const override;

 private:
  sdk::HostPaths paths_;
  std::map<std::string, std::string, std::less<>> settings_;
  LogSink sink_;
  std::mutex logMutex_;
};

}  // namespace gantry::core::plugins
