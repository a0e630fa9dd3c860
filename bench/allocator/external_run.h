// Runs an allocator executable the IAllocator way (request in a temp file,
// answer on stdout) with a time limit, for timing. Kept here so the
// benchmark links only the SDK and hail, not the whole core.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace gantry::bench::allocator {

struct ExternalResult {
  bool timedOut = false;
  int exitCode = -1;
  std::string out;
  double seconds = 0;
};

/// `program <request-file> args...`; killed after `limitSeconds`.
ExternalResult runAllocatorProgram(const std::filesystem::path& program, const std::string& request,
                                   const std::vector<std::string>& args, double limitSeconds);

}  // namespace gantry::bench::allocator
