// A scripts/vcluster cluster owned by the benchmark: brought up in a
// directory of its own, always brought down again (destructor, failed
// start-up, or SIGINT/SIGTERM/SIGHUP), gnt-* tools run on its nodes.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "child_process.h"

namespace gantry::bench {

struct ClusterSettings {
  std::filesystem::path vclusterScript;  // scripts/vcluster
  std::filesystem::path binDir;          // gantry-noded and the gnt-* tools
  std::filesystem::path dir;             // must not hold a cluster yet
  std::string base;                      // vcluster --base (127.N)
  int nodes = 3;
  std::string nodeMemory;                // vcluster --memory
  std::vector<std::string> upOptions;    // more of `vcluster up` (--kvm)
  bool removeDirAtEnd = true;
};

/// A tool that exited non-zero: what it was, its exit code and its output.
class CommandFailed : public std::runtime_error {
 public:
  CommandFailed(const std::vector<std::string>& argv, const ProcessResult& result);
};

class VirtualCluster {
 public:
  explicit VirtualCluster(ClusterSettings settings);
  ~VirtualCluster();
  VirtualCluster(const VirtualCluster&) = delete;
  VirtualCluster& operator=(const VirtualCluster&) = delete;

  /// `vcluster up`; throws CommandFailed (the cluster is brought down by
  /// the destructor all the same).
  void up();
  /// `vcluster down` (idempotent), then the directory is removed if asked.
  void down();

  /// Runs <binDir>/<tool> ARGS as `vcluster exec DIR NODE` does (only
  /// GANTRY_ROOT=DIR/NODE set), without the bash in between, so that the
  /// time is the tool's own. Never throws on a non-zero exit.
  ProcessResult run(const std::string& node, const std::string& tool,
                    const std::vector<std::string>& args) const;
  /// The same, but a non-zero exit throws CommandFailed.
  ProcessResult runOk(const std::string& node, const std::string& tool,
                      const std::vector<std::string>& args) const;

  const ClusterSettings& settings() const { return settings_; }

 private:
  std::vector<std::string> toolArgv(const std::string& tool,
                                    const std::vector<std::string>& args) const;

  ClusterSettings settings_;
  bool started_ = false;
};

}  // namespace gantry::bench
