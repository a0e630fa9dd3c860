// An sdk::Host for plugin unit tests: a fresh root directory per host (so two
// hosts are two independent nodes), log lines kept in memory, settings from a
// map, and a small process runner.
#pragma once

#include <filesystem>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gantry/sdk/host.h"
#include "gantry/sdk/plugin_abi.h"

namespace gantry::plugins::testing {

struct LogLine {
  sdk::LogLevel level;
  std::string message;
};

class TestHost final : public sdk::Host {
 public:
  /// Makes a new root under $TMPDIR (or /tmp) with every HostPaths dir
  /// created, as a node daemon does at start.
  TestHost() : TestHost(std::map<std::string, std::string>{}) {}
  explicit TestHost(std::map<std::string, std::string> settings);
  /// `TestHost host({{"fake.memory", "32G"}});`
  TestHost(std::initializer_list<std::pair<const std::string, std::string>> settings)
      : TestHost(std::map<std::string, std::string>(settings)) {}
  /// Removes the root and everything below it.
  ~TestHost() override;
  TestHost(const TestHost&) = delete;
  TestHost& operator=(const TestHost&) = delete;

  void log(sdk::LogLevel level, std::string_view message) override;
  const sdk::HostPaths& paths() const override { return paths_; }
  /// posix_spawn with pipes: argv, env, cwd, stdin, timeout, outputFile,
  /// stdinFile, stdoutFile, writeFds.
  sdk::Result<sdk::ProcessResult> runProcess(
      const sdk::ProcessRequest& request) override;
  std::optional<std::string> setting(std::string_view key) const override;

  const std::filesystem::path& root() const { return paths_.root; }
  /// Changes the paths; only before a plugin is made on this host.
  sdk::HostPaths& editPaths() { return paths_; }
  void setSetting(const std::string& key, const std::string& value);
  std::vector<LogLine> logLines() const;
  /// Whether some logged line contains `text`.
  bool logged(std::string_view text) const;

 private:
  sdk::HostPaths paths_;
  std::map<std::string, std::string, std::less<>> settings_;
  std::vector<LogLine> lines_;
  mutable std::mutex mutex_;
};

/// A plugin object made by a descriptor's create and freed by its destroy,
/// as the registry does it.
template <typename Interface>
struct DescriptorDeleter {
  void (*destroy)(void*) = nullptr;
  void operator()(Interface* object) const {
    if (object != nullptr) destroy(object);
  }
};
template <typename Interface>
using PluginPtr = std::unique_ptr<Interface, DescriptorDeleter<Interface>>;

/// Null when create refuses (it returns null, e.g. for a null host).
template <typename Interface>
PluginPtr<Interface> makePlugin(const GantryPluginDescriptor& descriptor,
                                sdk::Host* host) {
  return PluginPtr<Interface>(static_cast<Interface*>(descriptor.create(host)),
                              DescriptorDeleter<Interface>{descriptor.destroy});
}

}  // namespace gantry::plugins::testing
