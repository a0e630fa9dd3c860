#include "daemon/master/lu/hooks_runner.h"

namespace gantry::daemon::master {

std::map<std::string, std::string> hooksEnvironment(const HooksEnvInput& input) {
  std::map<std::string, std::string> env;
  env["GANETI_HOOKS_VERSION"] = "2";
  env["GANETI_HOOKS_PHASE"] = input.phase;
  env["GANETI_HOOKS_PATH"] = input.hooksPath;
  env["GANETI_CLUSTER"] = input.cluster;
  env["GANETI_MASTER"] = input.master;
  env["GANETI_OP_CODE"] = input.opId;
  env["GANETI_DATA_DIR"] = input.dataDir;
  if (!input.objectType.empty()) env["GANETI_OBJECT_TYPE"] = input.objectType;
  for (const auto& [k, v] : input.luEnv) env["GANETI_" + k] = v;
  if (input.phase == "post") {
    for (const auto& [k, v] : input.postEnv) env["GANETI_POST_" + k] = v;
  }
  return env;
}

}  // namespace gantry::daemon::master
