// Runs a logical unit's hooks: executables in
// <hooks dir>/<hpath>-{pre,post}.d whose names match ^[a-zA-Z0-9_-]+$, in
// lexical order, no arguments, stdin at EOF, a clean environment with
// Ganeti's GANETI_* variables, each under a timeout.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace gantry::daemon::master {

struct HookResult {
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

/// Runs every hook of the phase; scripts with other names or not
/// executable are reported as skipped.
std::vector<HookResult> runHooks(const HooksRequest& request);

/// Ganeti's hooks environment: GANETI_HOOKS_VERSION, _PHASE, _PATH,
/// CLUSTER, MASTER, OP_CODE, OBJECT_TYPE, DATA_DIR and the LU's variables
/// (given without the GANETI_ prefix). For the post phase the LU's values
/// from before Exec are repeated as GANETI_POST_<var> with the new values.
std::map<std::string, std::string> hooksEnvironment(
    const std::string& phase, const std::string& hooksPath,
    const std::string& opId, const std::string& cluster, const std::string& master,
    const std::string& dataDir, const std::map<std::string, std::string>& luEnv,
    const std::map<std::string, std::string>* postEnv = nullptr);

}  // namespace gantry::daemon::master
