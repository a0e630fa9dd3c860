#include "core/plugins/daemon_host.h"

#include <utility>

#include "core/util/process.h"

namespace gantry::core::plugins {

namespace {

// OS definitions shipped with Gantry: <prefix>/share/gantry/os beside the
// bin/ or sbin/ of the running program (the build tree has the same shape).
std::filesystem::path shippedOsDir() {
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  return (exe.parent_path() / ".." / "share" / "gantry" / "os").lexically_normal();
}

}  // namespace

sdk::HostPaths hostPathsForRoot(const std::filesystem::path& root) {
  sdk::HostPaths p;
  p.root = root;
  p.dataDir = root / "var/lib/gantry";
  p.runDir = root / "var/run/gantry";
  p.logDir = root / "var/log/gantry";
  p.fileStorageDir = root / "srv/gantry/file-storage";
  p.sharedFileStorageDir = root / "srv/gantry/shared-file-storage";
  // The node's own OS directory first: an operator's copy wins.
  p.osSearchPath = {root / "srv/gantry/os"};
  if (auto shipped = shippedOsDir(); !shipped.empty()) p.osSearchPath.push_back(shipped);
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
