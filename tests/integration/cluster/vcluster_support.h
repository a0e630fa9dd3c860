// A virtual cluster made by scripts/vcluster for one test: its own
// directory, its own 127.X address block and port, torn down (daemons
// stopped by PID, directory removed) when the object goes away.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "gantry/sdk/host.h"

namespace gantry::test {

/// Runs scripts/vcluster with `args`; the result (never throws).
sdk::ProcessResult runVcluster(const std::vector<std::string>& args,
                               std::chrono::seconds timeout = std::chrono::seconds(90));

/// Runs any command (argv, no shell) with this process's environment; an
/// empty result with exit code -1 when it cannot be run.
sdk::ProcessResult runCommand(const std::vector<std::string>& argv,
                              std::chrono::seconds timeout = std::chrono::seconds(60));

class VirtualCluster {
 public:
  /// `up N` with the walkthrough's node resources and 1.3T disks.
  explicit VirtualCluster(int nodes);
  /// `up N` with more of vcluster's options (e.g. "--kvm").
  VirtualCluster(int nodes, const std::vector<std::string>& upOptions);
  ~VirtualCluster();
  VirtualCluster(const VirtualCluster&) = delete;
  VirtualCluster& operator=(const VirtualCluster&) = delete;

  /// What `up` printed and how it ended.
  const sdk::ProcessResult& upResult() const { return up_; }
  /// A gnt-* tool run with nodeK's root.
  sdk::ProcessResult exec(const std::string& node, const std::string& tool,
                          const std::vector<std::string>& args,
                          std::chrono::seconds timeout = std::chrono::seconds(90)) const;
  /// Stops / starts one node daemon through the script.
  sdk::ProcessResult stopNode(const std::string& node) const;
  /// `options`: vcluster's start options (--primary-only, --setting K=V).
  sdk::ProcessResult startNode(const std::string& node,
                               const std::vector<std::string>& options = {}) const;

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path root(const std::string& node) const { return dir_ / node; }
  std::filesystem::path dataDir(const std::string& node) const;
  /// "127.X": node K listens on 127.X.1.K.
  const std::string& base() const { return base_; }

 private:
  std::filesystem::path dir_;
  std::string base_;
  std::uint16_t port_ = 0;
  sdk::ProcessResult up_;
};

/// Every file of the config store in `dataDir` (config.data and its
/// journal segments) concatenated: equal before and after a refused
/// command when nothing changed.
std::string configStoreState(const std::filesystem::path& dataDir);

/// The config document the master holds now (config.data with its
/// journal replayed), read from a copy of the store's files.
std::string currentConfigText(const std::filesystem::path& dataDir);

/// The one regular file in `dir` (a file-storage instance directory with
/// one disk); empty when there is none or more than one.
std::filesystem::path onlyFileIn(const std::filesystem::path& dir);

/// Lines of `text` with a leading job-log timestamp
/// ("Mon Nov 30 05:48:40 2026 ") removed.
std::vector<std::string> withoutTimestamps(const std::string& text);

}  // namespace gantry::test
