// A gantry-masterd started in its own root for the benchmark, stopped by
// PID; the tools next to this executable run against it.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/luxi/client.h"

namespace gantry::bench {

class MasterProcess {
 public:
  MasterProcess(std::filesystem::path binDir, std::filesystem::path root, int workers,
                bool sync);
  ~MasterProcess();
  MasterProcess(const MasterProcess&) = delete;
  MasterProcess& operator=(const MasterProcess&) = delete;

  /// Starts the daemon and waits until its socket answers.
  void start();
  /// SIGTERM and wait.
  void stop();

  core::luxi::Client client() const;
  /// Runs <binDir>/<tool> ARGS with GANTRY_ROOT set; output discarded.
  /// Returns the exit status.
  int tool(const std::string& name, const std::vector<std::string>& args) const;

 private:
  std::filesystem::path binDir_;
  std::filesystem::path root_;
  int workers_;
  bool sync_;
  pid_t pid_ = -1;
};

}  // namespace gantry::bench
