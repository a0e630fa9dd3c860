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

/// What a hooks environment is made of.
struct HooksEnvInput {
  std::string phase;       // "pre" or "post"
  std::string hooksPath;   // "instance-add"
  std::string opId;
  std::string objectType;  // Ganeti's HTYPE: "INSTANCE", "NODE", ...; may be empty
  std::string cluster;
  std::string master;
  std::string dataDir;
  std::map<std::string, std::string> luEnv;  // before exec, without GANETI_
  /// Post phase only: the LU's values after exec (GANETI_POST_<var>).
  std::map<std::string, std::string> postEnv;
};

/// Ganeti's hooks environment: GANETI_HOOKS_VERSION, _PHASE, _PATH,
/// CLUSTER, MASTER, OP_CODE, OBJECT_TYPE (if any), DATA_DIR and the LU's
/// variables as GANETI_<var>; in the post phase the values from before
/// exec stay and the new ones are added as GANETI_POST_<var>.
std::map<std::string, std::string> hooksEnvironment(const HooksEnvInput& input);

}  // namespace gantry::daemon::master
