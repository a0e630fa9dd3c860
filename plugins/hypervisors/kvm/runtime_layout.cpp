#include "runtime_layout.h"

#include <system_error>

namespace gantry::plugins::kvm {

namespace fs = std::filesystem;

RuntimeLayout::RuntimeLayout(const fs::path& runDir, const fs::path& logDir)
    : base_(runDir / "kvm-hypervisor"), logDir_(logDir / "kvm") {}

InstancePaths RuntimeLayout::forInstance(std::string_view name) const {
  const std::string n(name);
  InstancePaths p;
  p.pidFile = base_ / "pid" / n;
  p.qmpSocket = base_ / "ctrl" / (n + ".qmp");
  p.monitorSocket = base_ / "ctrl" / (n + ".monitor");
  p.serialSocket = base_ / "ctrl" / (n + ".serial");
  p.guestAgentSocket = base_ / "ctrl" / (n + ".qga");
  p.runtimeFile = base_ / "conf" / (n + ".runtime");
  p.chrootDir = base_ / "chroot" / n;
  p.logFile = logDir_ / (n + ".log");
  return p;
}

sdk::Result<void> RuntimeLayout::ensureDirs() const {
  for (const fs::path& dir : {base_ / "pid", base_ / "ctrl", base_ / "conf", logDir_}) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
      return sdk::Error{sdk::ErrorCode::kEnvironment,
                        "Cannot create directory '" + dir.string() + "': " + ec.message()};
    }
  }
  return sdk::ok();
}

std::vector<std::string> RuntimeLayout::namesWithPidFile() const {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(base_ / "pid", ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.empty() && name[0] != '.') names.push_back(name);
  }
  return names;
}

void RuntimeLayout::removeInstanceFiles(std::string_view name) const {
  const InstancePaths p = forInstance(name);
  for (const fs::path& file : {p.pidFile, p.qmpSocket, p.monitorSocket, p.serialSocket,
                               p.guestAgentSocket, p.runtimeFile}) {
    std::error_code ec;
    fs::remove(file, ec);
  }
  std::error_code ec;
  fs::remove(p.chrootDir, ec);  // only if empty: a chroot is never emptied here
}

sdk::Result<void> checkInstanceName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name[0] == '.' ||
      name.find('/') != std::string_view::npos ||
      name.find('\0') != std::string_view::npos) {
    return sdk::Error{sdk::ErrorCode::kInvalid,
                      "Invalid instance name '" + std::string(name) + "'"};
  }
  return sdk::ok();
}

}  // namespace gantry::plugins::kvm
