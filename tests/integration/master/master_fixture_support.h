// Starts a real gantry-masterd in a temporary root and runs gnt-* tools
// against it. The daemon is stopped by PID when the fixture ends.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/luxi/client.h"
#include "gantry/sdk/host.h"

namespace gantry::testing {

class MasterProcess {
 public:
  explicit MasterProcess(int workers = 4);
  ~MasterProcess();
  MasterProcess(const MasterProcess&) = delete;
  MasterProcess& operator=(const MasterProcess&) = delete;

  /// Starts (or restarts) the daemon and waits until its socket answers.
  void start();
  /// SIGTERM and wait.
  void stop();
  /// SIGKILL and reap, as a crash.
  void kill9();
  bool running() const { return pid_ > 0; }

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path socketPath() const;
  core::luxi::Client client() const;

  /// Runs build/bin/<tool> with GANTRY_ROOT set to this root.
  sdk::ProcessResult tool(const std::string& name, std::vector<std::string> args,
                          int timeoutSeconds = 60) const;

 private:
  std::filesystem::path root_;
  int workers_;
  pid_t pid_ = -1;
};

}  // namespace gantry::testing
