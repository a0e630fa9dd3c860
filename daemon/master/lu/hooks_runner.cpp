#include "daemon/master/lu/hooks_runner.h"

#include <algorithm>
#include <regex>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util/process.h"

namespace gantry::daemon::master {
namespace fs = std::filesystem;

std::vector<HookResult> runHooks(const HooksRequest& request) {
  std::vector<HookResult> results;
  const fs::path dir = request.hooksDir / (request.hooksPath + "-" + request.phase + ".d");
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return results;
  std::vector<fs::path> entries;
  for (const auto& entry : fs::directory_iterator(dir, ec)) entries.push_back(entry.path());
  std::sort(entries.begin(), entries.end());
  static const std::regex kValidName("^[a-zA-Z0-9_-]+$");
  for (const auto& path : entries) {
    HookResult result;
    result.script = path.filename().string();
    struct stat st {};
    const bool runnable = std::regex_match(result.script, kValidName) &&
                          ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
                          ::access(path.c_str(), X_OK) == 0;
    if (!runnable) {
      results.push_back(result);  // skipped
      continue;
    }
    core::util::ProcessSpec spec;
    spec.argv = {path.string()};
    spec.envMode = core::util::EnvMode::kReplace;
    spec.env = request.env;
    spec.env["PATH"] = "/sbin:/bin:/usr/sbin:/usr/bin";
    spec.cwd = "/";
    spec.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(request.timeout);
    auto run = core::util::runProcess(spec);
    if (!run.ok()) {
      result.status = HookResult::Status::kFailed;
      result.output = run.error().message;
    } else {
      result.status = run->succeeded() ? HookResult::Status::kSuccess
                                       : HookResult::Status::kFailed;
      result.output = run->out + run->err;
      if (!run->succeeded() && result.output.empty()) {
        result.output = core::util::exitReason(*run, spec.timeout);
      }
    }
    results.push_back(result);
  }
  return results;
}

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
