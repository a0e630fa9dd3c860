// A temporary directory for the cluster tests, removed at the end.
#pragma once

#include <filesystem>

namespace gantry::core::cluster::test {

class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace gantry::core::cluster::test
