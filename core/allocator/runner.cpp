// Plugin first: an in-process allocator avoids a fork and a temp file, and
// a cluster that ships one under a name means that one.
#include "core/allocator/runner.h"

#include "core/plugins/registry.h"

namespace gantry::core::allocator {

namespace fs = std::filesystem;

std::vector<fs::path> defaultAllocatorSearchPath() {
  std::vector<fs::path> out;
  out.push_back(fs::path(GANTRY_INSTALL_PLUGIN_DIR).parent_path() / "iallocators");
  const fs::path local = plugins::PluginRegistry::builtinPluginDir().parent_path() / "iallocators";
  if (local != out.front()) out.push_back(local);
  return out;
}

AllocatorRunner::AllocatorRunner(const plugins::PluginRegistry* registry,
                                 AllocatorRunnerOptions options)
    : registry_(registry), options_(std::move(options)) {}

sdk::Result<AllocatorSource> AllocatorRunner::resolve(std::string_view name) const {
  if (registry_ && registry_->find(sdk::InstanceAllocator::kKind, name)) {
    return AllocatorSource{AllocatorSource::Kind::kPlugin, {}};
  }
  if (auto program = findAllocator(name, options_.searchPath)) {
    return AllocatorSource{AllocatorSource::Kind::kExecutable, *program};
  }
  return sdk::Error{sdk::ErrorCode::kNotFound, allocatorNotFoundMessage(name)};
}

sdk::Result<AllocatorResponse> AllocatorRunner::run(std::string_view name,
                                                    std::string_view requestJson,
                                                    const sdk::AllocatorOptions& options) const {
  auto source = resolve(name);
  if (!source.ok()) return std::move(source).error();
  if (source->kind == AllocatorSource::Kind::kExecutable) {
    return runExternalAllocator(source->program, name, requestJson, options,
                                options_.external);
  }
  auto plugin = registry_->get<sdk::InstanceAllocator>(name);
  if (!plugin.ok()) return std::move(plugin).error();
  sdk::Result<std::string> answer = [&]() -> sdk::Result<std::string> {
    // A plugin must not throw; one that does still must not take the
    // master down.
    try {
      return (*plugin)->run(requestJson, options);
    } catch (const std::exception& e) {
      return sdk::Error{sdk::ErrorCode::kFault, std::string("exception: ") + e.what()};
    } catch (...) {
      return sdk::Error{sdk::ErrorCode::kFault, "unknown exception"};
    }
  }();
  if (!answer.ok()) {
    return sdk::Error{answer.error().code, "iallocator module '" + std::string(name) +
                                               "' failed: " + answer.error().message +
                                               ", output ''"};
  }
  return parseAllocatorResponse(name, *answer);
}

}  // namespace gantry::core::allocator
