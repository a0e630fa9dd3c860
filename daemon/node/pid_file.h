// The daemon's pid file: created, locked for the daemon's lifetime (a
// second daemon with the same pid file refuses to start) and removed on a
// clean exit.
#pragma once

#include <filesystem>
#include <memory>

#include "gantry/sdk/result.h"

namespace gantry::daemon::node {

class PidFile {
 public:
  /// Creates the directory if needed, locks the file and writes our pid.
  /// kState "Another gantry-noded holds <path> (pid N)" when locked;
  /// kEnvironment for other failures.
  static sdk::Result<std::unique_ptr<PidFile>> acquire(
      const std::filesystem::path& path);

  /// Removes the file, then releases the lock.
  ~PidFile();
  PidFile(const PidFile&) = delete;
  PidFile& operator=(const PidFile&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  PidFile(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}

  std::filesystem::path path_;
  int fd_;
};

}  // namespace gantry::daemon::node
