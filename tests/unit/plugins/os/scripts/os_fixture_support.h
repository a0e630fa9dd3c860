// Helpers for the `scripts` OS provider tests: install the envdump fixture
// (tests/fixtures/os/envdump, a Ganeti OS definition that prints its
// environment) on a test host's OS search path and read back what it printed.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace gantry::plugins::os_scripts::testing {

/// Copies the envdump fixture to `<dir>/<name>` and writes `apiVersions`
/// (e.g. "20\n") as its ganeti_api_version.
std::filesystem::path installEnvdump(const std::filesystem::path& dir,
                                     const std::string& apiVersions,
                                     const std::string& name = "envdump");

/// The variables one envdump script printed between "== <script> ..." and
/// "== end" in `output`; `header` receives the "== ..." line.
std::map<std::string, std::string> dumpedEnvironment(std::string_view output,
                                                     std::string_view script,
                                                     std::string* header = nullptr);

void writeText(const std::filesystem::path& path, std::string_view text);
std::string readText(const std::filesystem::path& path);
/// Writes an executable shell script.
void writeScript(const std::filesystem::path& path, std::string_view body);

}  // namespace gantry::plugins::os_scripts::testing
