// Helpers for the allocator tests: a scratch directory, executable script
// fixtures written into it at run time, and a Host that does nothing.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "gantry/sdk/host.h"

namespace gantry::core::allocator::testing {

/// A fresh directory under the system temp dir, removed on destruction.
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

/// Writes `#!/bin/sh` + body as an executable file `dir/name`.
std::filesystem::path writeScript(const std::filesystem::path& dir, std::string_view name,
                                  std::string_view body);

std::string readText(const std::filesystem::path& file);

class NullHost : public sdk::Host {
 public:
  void log(sdk::LogLevel, std::string_view) override {}
  const sdk::HostPaths& paths() const override { return paths_; }
  sdk::Result<sdk::ProcessResult> runProcess(const sdk::ProcessRequest&) override {
    return sdk::Error{sdk::ErrorCode::kUnsupported, "no processes here"};
  }
  std::optional<std::string> setting(std::string_view) const override { return std::nullopt; }

 private:
  sdk::HostPaths paths_;
};

}  // namespace gantry::core::allocator::testing
