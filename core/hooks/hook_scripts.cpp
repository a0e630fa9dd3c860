#include "core/hooks/hook_scripts.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <regex>

#include "core/util/process.h"

namespace gantry::core::hooks {
namespace fs = std::filesystem;

bool isValidHooksPath(std::string_view path) {
  if (path.empty() || path.size() > 64) return false;
  return std::all_of(path.begin(), path.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

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
    util::ProcessSpec spec;
    spec.argv = {path.string()};
    spec.envMode = util::EnvMode::kReplace;
    spec.env = request.env;
    spec.env["PATH"] = "/sbin:/bin:/usr/sbin:/usr/bin";
    spec.cwd = "/";
    spec.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(request.timeout);
    auto run = util::runProcess(spec);
    if (!run.ok()) {
      result.status = HookResult::Status::kFailed;
      result.output = run.error().message;
    } else {
      result.status = run->succeeded() ? HookResult::Status::kSuccess
                                       : HookResult::Status::kFailed;
      result.output = run->out + run->err;
      if (!run->succeeded() && result.output.empty()) {
        result.output = util::exitReason(*run, spec.timeout);
      }
    }
    results.push_back(result);
  }
  return results;
}

}  // namespace gantry::core::hooks
