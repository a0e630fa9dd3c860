// Runs the hook scripts of one phase of one hooks path: executables in
// <hooks dir>/<hpath>-{pre,post}.d whose names match ^[a-zA-Z0-9_-]+$, in
// lexical order, no arguments, stdin at EOF, a clean environment (the
// GANETI_* variables the master built), each under a timeout. The master
// asks each node's daemon to do this for its own hooks directory
// (hooks_runner), as Ganeti does.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gantry::core::hooks {

struct HookResult {
  std::string node;  // filled by whoever collects results from nodes
  std::string script;
  enum class Status { kSkipped = 0, kFailed = 1, kSuccess = 2 };  // Ganeti's codes
  Status status = Status::kSkipped;
  std::string output;
};

struct HooksRequest {
  std::filesystem::path hooksDir;  // <root>/etc/gantry/hooks
  std::string hooksPath;           // "instance-add"
  std::string phase;               // "pre" or "post"
  std::map<std::string, std::string> env;  // full GANETI_* environment
  std::chrono::seconds timeout{3600};
};

/// A hooks path names a directory: lowercase letters, digits and dashes.
bool isValidHooksPath(std::string_view path);

/// Runs every hook of the phase; scripts with other names or not
/// executable are reported as skipped.
std::vector<HookResult> runHooks(const HooksRequest& request);

}  // namespace gantry::core::hooks
