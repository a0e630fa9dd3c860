// Where the kvm hypervisor keeps a node's runtime state, Ganeti's layout
// under the node's run dir, so a restarted node daemon finds its running
// instances again and two nodes sharing one host (two roots) never meet:
//   <runDir>/kvm-hypervisor/pid/<name>            qemu's pid (-pidfile)
//   <runDir>/kvm-hypervisor/ctrl/<name>.qmp       QMP socket
//   <runDir>/kvm-hypervisor/ctrl/<name>.monitor   human monitor socket
//   <runDir>/kvm-hypervisor/ctrl/<name>.serial    serial console socket
//   <runDir>/kvm-hypervisor/ctrl/<name>.qga       guest agent socket
//   <runDir>/kvm-hypervisor/conf/<name>.runtime   the LaunchSpec (JSON)
//   <runDir>/kvm-hypervisor/chroot/<name>         qemu's chroot (use_chroot)
//   <logDir>/kvm/<name>.log                       qemu's own log (-D)
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "gantry/sdk/host.h"
#include "gantry/sdk/result.h"

namespace gantry::plugins::kvm {

/// The files of one instance on one node.
struct InstancePaths {
  std::filesystem::path pidFile;
  std::filesystem::path qmpSocket;
  std::filesystem::path monitorSocket;
  std::filesystem::path serialSocket;
  std::filesystem::path guestAgentSocket;
  std::filesystem::path runtimeFile;
  std::filesystem::path chrootDir;
  std::filesystem::path logFile;
};

class RuntimeLayout {
 public:
  RuntimeLayout(const std::filesystem::path& runDir, const std::filesystem::path& logDir);
  explicit RuntimeLayout(const sdk::HostPaths& paths)
      : RuntimeLayout(paths.runDir, paths.logDir) {}

  const std::filesystem::path& baseDir() const { return base_; }
  InstancePaths forInstance(std::string_view name) const;
  /// Creates the directories (pid, ctrl, conf, log); kEnvironment on failure.
  sdk::Result<void> ensureDirs() const;
  /// Names with a pid file; empty when the dir does not exist.
  std::vector<std::string> namesWithPidFile() const;
  /// Removes the instance's pid file, sockets and runtime file.
  void removeInstanceFiles(std::string_view name) const;

 private:
  std::filesystem::path base_;
  std::filesystem::path logDir_;
};

/// Instance names become file names: no '/', no leading '.', not empty,
/// no NUL, at most 64 bytes (socket paths are short). kInvalid.
sdk::Result<void> checkInstanceName(std::string_view name);

}  // namespace gantry::plugins::kvm
