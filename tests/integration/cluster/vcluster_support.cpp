#include "cluster/vcluster_support.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <cstdlib>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "core/config/store.h"
#include "core/util/process.h"

namespace gantry::test {
namespace fs = std::filesystem;

sdk::ProcessResult runCommand(const std::vector<std::string>& argv, std::chrono::seconds timeout) {
  sdk::ProcessRequest request;
  request.argv = argv;
  request.inheritEnv = true;
  request.timeout = timeout;
  auto result = core::util::runProcess(request);
  return result ? *result : sdk::ProcessResult{};
}

sdk::ProcessResult runVcluster(const std::vector<std::string>& args, std::chrono::seconds timeout) {
  sdk::ProcessRequest request;
  request.argv = {std::string(GANTRY_SOURCE_DIR) + "/scripts/vcluster"};
  request.argv.insert(request.argv.end(), args.begin(), args.end());
  request.inheritEnv = true;
  request.timeout = timeout;
  auto result = core::util::runProcess(request);
  if (!result.ok()) {
    sdk::ProcessResult failed;
    failed.err = result.error().message;
    return failed;
  }
  return *result;
}

namespace {

// Each cluster of this process gets its own block: parallel test
// processes (pid) and clusters within one process (counter) never share an
// address or a port.
int nextClusterIndex() {
  static std::atomic<int> next{0};
  return next++;
}

}  // namespace

VirtualCluster::VirtualCluster(int nodes) : VirtualCluster(nodes, {}) {}

VirtualCluster::VirtualCluster(int nodes, const std::vector<std::string>& upOptions) {
  const int index = nextClusterIndex();
  const int pid = static_cast<int>(::getpid());
  base_ = "127." + std::to_string(20 + (pid * 13 + index) % 230);
  port_ = static_cast<std::uint16_t>(40000 + (pid % 1000) * 20 + index % 20);
  char tmpl[] = "/tmp/gvc-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  std::vector<std::string> args = {"up", std::to_string(nodes), dir_.string(), "--base", base_,
                                   "--port", std::to_string(port_), "--bin",
                                   std::string(GANTRY_BINARY_DIR) + "/bin", "--disk-size", "1.3T"};
  args.insert(args.end(), upOptions.begin(), upOptions.end());
  up_ = runVcluster(args);
}

VirtualCluster::~VirtualCluster() {
  runVcluster({"down", dir_.string()});
  // GANTRY_KEEP_VCLUSTER=1 keeps the roots (logs, queue, config) to look at.
  if (const char* keep = std::getenv("GANTRY_KEEP_VCLUSTER"); keep != nullptr && *keep == '1') {
    return;
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

sdk::ProcessResult VirtualCluster::exec(const std::string& node, const std::string& tool,
                                        const std::vector<std::string>& args,
                                        std::chrono::seconds timeout) const {
  std::vector<std::string> argv = {"exec", dir_.string(), node, tool};
  argv.insert(argv.end(), args.begin(), args.end());
  return runVcluster(argv, timeout);
}

sdk::ProcessResult VirtualCluster::stopNode(const std::string& node) const {
  return runVcluster({"stop", dir_.string(), node});
}

sdk::ProcessResult VirtualCluster::startNode(const std::string& node,
                                             const std::vector<std::string>& options) const {
  std::vector<std::string> args = {"start", dir_.string(), node};
  args.insert(args.end(), options.begin(), options.end());
  return runVcluster(args);
}

fs::path VirtualCluster::dataDir(const std::string& node) const {
  return root(node) / "var/lib/gantry";
}

std::string configStoreState(const std::filesystem::path& dataDir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dataDir)) {
    const std::string name = entry.path().filename().string();
    if (name == "config.data" || name.rfind("config.data.journal.", 0) == 0) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  std::string state;
  for (const auto& file : files) {
    std::ifstream in(file);
    state += "== " + file.filename().string() + "\n" +
             std::string(std::istreambuf_iterator<char>(in), {});
  }
  return state;
}

std::string currentConfigText(const std::filesystem::path& dataDir) {
  namespace fs = std::filesystem;
  const fs::path copy = fs::temp_directory_path() /
                        ("gantry-config-copy-" + std::to_string(::getpid()) + "-" +
                         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  fs::create_directories(copy);
  for (const auto& entry : fs::directory_iterator(dataDir)) {
    const std::string name = entry.path().filename().string();
    if (name == "config.data" || name.rfind("config.data.journal.", 0) == 0) {
      fs::copy_file(entry.path(), copy / name);
    }
  }
  std::string text;
  {
    auto store = core::config::ConfigStore::open(copy);
    text = store->get("").dump();
  }
  fs::remove_all(copy);
  return text;
}

std::filesystem::path onlyFileIn(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::path found;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    if (!found.empty()) return {};
    found = entry.path();
  }
  return found;
}

std::vector<std::string> withoutTimestamps(const std::string& text) {
  static const std::regex stamp(R"(^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d \d{4} )");
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(std::regex_replace(line, stamp, ""));
  return lines;
}

}  // namespace gantry::test
