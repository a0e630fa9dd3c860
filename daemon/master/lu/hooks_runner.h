// A logical unit's hooks: the GANETI_* environment the master builds for
// them; the scripts themselves run on the nodes (core/hooks/hook_scripts.h).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/hooks/hook_scripts.h"

namespace gantry::daemon::master {

using core::hooks::HookResult;
using core::hooks::HooksRequest;
using core::hooks::runHooks;

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
