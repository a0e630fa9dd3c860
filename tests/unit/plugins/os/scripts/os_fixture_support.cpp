#include "os_fixture_support.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace gantry::plugins::os_scripts::testing {

namespace fs = std::filesystem;

fs::path installEnvdump(const fs::path& dir, const std::string& apiVersions,
                        const std::string& name) {
  const fs::path source = fs::path(GANTRY_SOURCE_DIR) / "tests/fixtures/os/envdump";
  const fs::path target = dir / name;
  fs::create_directories(dir);
  fs::copy(source, target, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  writeText(target / "ganeti_api_version", apiVersions);
  return target;
}

std::map<std::string, std::string> dumpedEnvironment(std::string_view output,
                                                     std::string_view script,
                                                     std::string* header) {
  std::map<std::string, std::string> env;
  const std::string start = "== " + std::string(script) + " ";
  const auto begin = output.find(start);
  if (begin == std::string_view::npos) {
    throw std::runtime_error("no dump of '" + std::string(script) + "' in:\n" +
                             std::string(output));
  }
  std::istringstream in{std::string(output.substr(begin))};
  std::string line;
  std::getline(in, line);
  if (header != nullptr) *header = line;
  while (std::getline(in, line) && line != "== end") {
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    env[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return env;
}

void writeText(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string readText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void writeScript(const fs::path& path, std::string_view body) {
  writeText(path, body);
  fs::permissions(path, fs::perms(0755));
}

}  // namespace gantry::plugins::os_scripts::testing
