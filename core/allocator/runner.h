// Running an instance allocator by name: a loaded `iallocator` plugin of
// that name if there is one, else an executable of that name in the
// allocator search path (Ganeti's protocol). Either way the answer is
// checked for shape before it is returned.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/allocator/external.h"
#include "core/allocator/response.h"
#include "gantry/sdk/instance_allocator.h"
#include "gantry/sdk/result.h"

namespace gantry::core::plugins {
class PluginRegistry;
}

namespace gantry::core::allocator {

struct AllocatorRunnerOptions {
  /// Directories searched for executable allocators, left to right.
  std::vector<std::filesystem::path> searchPath;
  ExternalRunOptions external;
};

/// Where a name resolves to.
struct AllocatorSource {
  enum class Kind { kPlugin, kExecutable } kind = Kind::kPlugin;
  std::filesystem::path program;  // kExecutable only
};

/// The allocator search path of an installed Gantry:
/// <libdir>/gantry/iallocators of the installation, then the one next to
/// the running executable (<exe>/../lib/gantry/iallocators).
std::vector<std::filesystem::path> defaultAllocatorSearchPath();

/// Stateless apart from its configuration; run() may be called from several
/// threads if the plugins' run() may (the registry is only read).
class AllocatorRunner {
 public:
  /// `registry` may be null (executables only); it must outlive the runner.
  AllocatorRunner(const plugins::PluginRegistry* registry, AllocatorRunnerOptions options);

  /// The plugin, else the executable; kNotFound
  /// "iallocator module '<name>' not found in the search path".
  sdk::Result<AllocatorSource> resolve(std::string_view name) const;

  /// Runs the allocator on a request. A plugin's Error becomes
  /// "iallocator module '<name>' failed: <message>, output ''"; see
  /// runExternalAllocator for executables; bad answers are refused with
  /// parseAllocatorResponse's messages in both cases.
  sdk::Result<AllocatorResponse> run(std::string_view name, std::string_view requestJson,
                                     const sdk::AllocatorOptions& options = {}) const;

 private:
  const plugins::PluginRegistry* registry_;
  AllocatorRunnerOptions options_;
};

}  // namespace gantry::core::allocator
