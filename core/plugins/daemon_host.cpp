#include "core/plugins/daemon_host.h"

#include <utility>

#include "core/util/process.h"

namespace gantry::core::plugins {

sdk::HostPaths hostPathsForRoot(const std::filesystem::path& root) {
  sdk::HostPaths p;
  p.root = root;
  p.dataDir = root / "var/lib/gantry";
  p.runDir = root / "var/run/gantry";
  p.logDir = root / "var/log/gantry";
  p.fileStorageDir = root / "srv/gantry/file-storage";
  p.sharedFileStorageDir = root / "srv/gantry/shared-file-storage";
  p.osSearchPath = {root / "srv/gantry/os"};
  p.extStorageSearchPath = {root / "srv/gantry/extstorage"};
  return p;
}

DaemonHost::DaemonHost(sdk::HostPaths paths,
                       std::map<std::string, std::string> settings, LogSink sink)
    : paths_(std::move(paths)),
      settings_(settings.begin(), settings.end()),
      sink_(std::move(sink)) {}

void DaemonHost::log(sdk::LogLevel level, std::string_view message) {
  if (!sink_) return;
  // Plugins log from many job threads; the sink sees one line at a time.
  std::lock_guard lock(logMutex_);
  sink_(level, message);
}

sdk::Result<sdk::ProcessResult> DaemonHost::runProcess(
    const sdk::ProcessRequest& request) {
  return util::runProcess(request);
}

std::optional<std::string> DaemonHost::setting(std::string_view key) const {
  auto it = settings_.find(key);
  if (it == settings_.end()) return std::nullopt;
  return it->second;
}

}  // namespace gantry::core::plugins
