#include "virtual_cluster.h"

#include <cstdio>
#include <sstream>

#include "teardown_on_signal.h"

namespace gantry::bench {
namespace {

namespace fs = std::filesystem;

// The end of a long output is where a tool says what went wrong.
std::string lastLines(const std::string& text, std::size_t count) {
  std::size_t start = text.size();
  std::size_t seen = 0;
  while (start > 0) {
    const std::size_t newline = text.rfind('\n', start - 1);
    if (newline == std::string::npos) return text;
    if (newline + 1 < text.size() && ++seen == count) return "...\n" + text.substr(newline + 1);
    start = newline;
  }
  return text;
}

std::string failureText(const std::vector<std::string>& argv, const ProcessResult& result) {
  std::ostringstream text;
  text << "command failed (exit " << result.exitCode << "): " << commandLine(argv);
  if (!result.err.empty()) text << "\n--- its stderr ---\n" << lastLines(result.err, 40);
  if (!result.out.empty()) text << "\n--- its stdout ---\n" << lastLines(result.out, 20);
  return text.str();
}

}  // namespace

CommandFailed::CommandFailed(const std::vector<std::string>& argv, const ProcessResult& result)
    : std::runtime_error(failureText(argv, result)) {}

VirtualCluster::VirtualCluster(ClusterSettings settings) : settings_(std::move(settings)) {}

VirtualCluster::~VirtualCluster() { down(); }

void VirtualCluster::up() {
  // Bringing down a cluster the benchmark did not start would stop
  // someone else's daemons.
  if (fs::exists(settings_.dir / "vcluster.conf")) {
    throw std::runtime_error(settings_.dir.string() + " already holds a virtual cluster");
  }
  const std::string script = settings_.vclusterScript.string();
  std::vector<std::vector<std::string>> teardown = {{script, "down", settings_.dir.string()}};
  if (settings_.removeDirAtEnd) teardown.push_back({"/bin/rm", "-rf", settings_.dir.string()});
  runOnFatalSignal(teardown);
  started_ = true;
  std::vector<std::string> argv = {script,
                                         "up",
                                         std::to_string(settings_.nodes),
                                         settings_.dir.string(),
                                         "--bin",
                                         settings_.binDir.string(),
                                         "--base",
                                         settings_.base,
                                         "--memory",
                                         settings_.nodeMemory};
  argv.insert(argv.end(), settings_.upOptions.begin(), settings_.upOptions.end());
  const ProcessResult result = runProcess(argv);
  if (result.exitCode != 0) throw CommandFailed(argv, result);
}

void VirtualCluster::down() {
  if (started_) {
    started_ = false;
    // No pids file: `up` failed before it started any daemon.
    if (fs::exists(settings_.dir / "vcluster.pids")) {
      const std::vector<std::string> argv = {settings_.vclusterScript.string(), "down",
                                             settings_.dir.string()};
      const ProcessResult result = runProcess(argv);
      if (result.exitCode != 0) {
        std::fprintf(stderr, "warning: %s\n", CommandFailed(argv, result).what());
      }
    }
    clearFatalSignalCommand();
  }
  if (settings_.removeDirAtEnd) {
    settings_.removeDirAtEnd = false;
    std::error_code ec;
    fs::remove_all(settings_.dir, ec);
  }
}

std::vector<std::string> VirtualCluster::toolArgv(const std::string& tool,
                                                  const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {(settings_.binDir / tool).string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

ProcessResult VirtualCluster::run(const std::string& node, const std::string& tool,
                                  const std::vector<std::string>& args) const {
  return runProcess(toolArgv(tool, args),
                    {"GANTRY_ROOT=" + (settings_.dir / node).string()});
}

ProcessResult VirtualCluster::runOk(const std::string& node, const std::string& tool,
                                    const std::vector<std::string>& args) const {
  ProcessResult result = run(node, tool, args);
  if (result.exitCode != 0) {
    std::vector<std::string> shown = {"GANTRY_ROOT=" + (settings_.dir / node).string()};
    for (auto& a : toolArgv(tool, args)) shown.push_back(a);
    throw CommandFailed(shown, result);
  }
  return result;
}

}  // namespace gantry::bench
