// The `scripts` OS provider: runs Ganeti OS definitions (API 10, 15, 20)
// found on the node's OS search path, unchanged. The search path is
// HostPaths::osSearchPath followed by the comma-separated directories of the
// setting `os.search_path`; the first directory holding an OS wins.
//
// create and rename append their output to
// `<logDir>/os/<add|rename>-<os>-<instance>-<timestamp>.log`; import and
// export to `<logDir>/os/<import|export>-<os>-<instance>-disk<i>-...log`.
// The same output goes to OsRequest::output when given. A script that fails
// is an error quoting its last 20 lines. Scripts run as argv vectors with
// the OS directory as working directory; create, rename and verify get
// exactly Ganeti's environment, import and export the daemon's plus
// Ganeti's (they run under Ganeti's import-export daemon there).
//
// import/export connect the script to OsRequest::streamFile with a fixed
// /bin/sh wrapper that only redirects: paths travel as its positional
// arguments, never inside the command text. Safe from several threads.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gantry/sdk/host.h"
#include "gantry/sdk/os_provider.h"
#include "os_definition.h"
#include "os_environment.h"

namespace gantry::plugins::os_scripts {

class ScriptsOsProvider final : public sdk::OsProvider {
 public:
  /// `host` must outlive the object; null is refused (throws, which the
  /// descriptor's create turns into a null result).
  explicit ScriptsOsProvider(sdk::Host* host);

  sdk::Result<std::vector<sdk::OsDefinition>> listOses() override;
  sdk::Result<sdk::OsDefinition> findOs(std::string_view name) override;
  sdk::Result<void> validate(std::string_view osName, const sdk::ParamMap& osParams,
                             bool forceVariant) override;
  sdk::Result<void> create(const sdk::OsRequest& request) override;
  sdk::Result<void> importDisk(const sdk::OsRequest& request) override;
  sdk::Result<void> exportDisk(const sdk::OsRequest& request) override;
  sdk::Result<void> rename(const sdk::OsRequest& request) override;

  /// The directories searched, in order.
  std::vector<std::filesystem::path> searchPath() const;

 private:
  /// The valid OS named by `osName` (variant ignored), or Ganeti's reason.
  sdk::Result<LoadedOs> loadValid(std::string_view osName) const;
  /// Runs one script with its output appended to `logFile`; the error
  /// names the script ("OS create script failed (...)") and quotes the
  /// output's last lines.
  /// Import reads its stream on stdin, export writes it on stdout; both
  /// may announce the size on descriptor 3.
  struct StreamFiles {
    std::optional<std::filesystem::path> stdinFile;
    std::optional<std::filesystem::path> stdoutFile;
    std::map<int, std::filesystem::path> writeFds;
  };
  sdk::Result<void> runLogged(const std::string& what, std::vector<std::string> argv,
                              Environment env, bool inheritEnv,
                              const std::filesystem::path& cwd,
                              const std::filesystem::path& logFile,
                              std::string* output, const StreamFiles& streams = {});
  sdk::Result<void> transferDisk(const sdk::OsRequest& request, bool import);

  sdk::Host* host_;
  std::chrono::seconds timeout_;
};

}  // namespace gantry::plugins::os_scripts
