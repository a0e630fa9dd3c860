// External instance allocators, Ganeti's way: an executable found by name
// in a search path, run as `<allocator> <input-file> [--key=value|--key]`
// with the request JSON in a temporary file, answering on stdout.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/allocator/response.h"
#include "gantry/sdk/instance_allocator.h"
#include "gantry/sdk/result.h"

namespace gantry::core::allocator {

struct ExternalRunOptions {
  /// The allocator is killed (its whole process group) after this long.
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  /// Where the request file is written; nullopt: the system temp directory.
  std::optional<std::filesystem::path> tempDir;
};

/// The first regular file called `name` in `searchPath` (directories left to
/// right), as Ganeti's FindFile: a name with a '/' or "."/".." never matches.
std::optional<std::filesystem::path> findAllocator(
    std::string_view name, const std::vector<std::filesystem::path>& searchPath);

/// argv for one run: program, input file, then one `--key=value` (or bare
/// `--key` for a null value) per option, in key order.
std::vector<std::string> allocatorArgv(const std::filesystem::path& program,
                                       const std::filesystem::path& inputFile,
                                       const sdk::AllocatorOptions& options);

/// Runs the allocator `program` (named `name` in messages) on a request and
/// checks its answer. The request file is removed afterwards, whatever
/// happened. Errors (kFault unless said otherwise):
///   "iallocator module '<name>' failed: <reason>, output '<stdout+stderr>'"
///     for a non-zero exit, a signal or the timeout ("timed out after 5s"),
///     or a program that could not be started;
///   parseAllocatorResponse's messages for a bad answer on exit 0;
///   kEnvironment when the request file cannot be written.
sdk::Result<AllocatorResponse> runExternalAllocator(const std::filesystem::path& program,
                                                    std::string_view name,
                                                    std::string_view requestJson,
                                                    const sdk::AllocatorOptions& options,
                                                    const ExternalRunOptions& runOptions = {});

/// Looks `name` up in `searchPath` and runs it; kNotFound
/// "iallocator module '<name>' not found in the search path" if absent.
sdk::Result<AllocatorResponse> runExternalAllocatorByName(
    std::string_view name, const std::vector<std::filesystem::path>& searchPath,
    std::string_view requestJson, const sdk::AllocatorOptions& options,
    const ExternalRunOptions& runOptions = {});

/// "iallocator module '<name>' not found in the search path".
std::string allocatorNotFoundMessage(std::string_view name);

}  // namespace gantry::core::allocator
