#include "core/plugins/registry.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "gantry/sdk/sdk.h"

namespace gantry::core::plugins {
namespace {
namespace fs = std::filesystem;

const fs::path kZoo = fs::path(GANTRY_BINARY_DIR) / "plugin_zoo";

class NullHost : public sdk::Host {
 public:
  void log(sdk::LogLevel, std::string_view) override {}
  const sdk::HostPaths& paths() const override { return paths_; }
  sdk::Result<sdk::ProcessResult> runProcess(const sdk::ProcessRequest&) override {
    return sdk::Error{sdk::ErrorCode::kUnsupported, "no processes in this test"};
  }
  std::optional<std::string> setting(std::string_view) const override {
    return std::nullopt;
  }

 private:
  sdk::HostPaths paths_;
};

std::string reasonFor(const PluginRegistry& registry, const std::string& file) {
  for (const auto& r : registry.refused()) {
    if (r.file.filename() == file) return r.reason;
  }
  return "<not refused>";
}

class RegistryZoo : public ::testing::Test {
 protected:
  NullHost host_;
  PluginRegistry registry_{&host_};
  void SetUp() override {
    ASSERT_TRUE(fs::is_directory(kZoo)) << kZoo << " is missing: build plugin_zoo";
    registry_.scan({kZoo});
  }
};

TEST_F(RegistryZoo, LoadsTheGoodPluginWithItsVersion) {
  ASSERT_EQ(registry_.loaded().size(), 1u);
  const LoadedPlugin& p = registry_.loaded().front();
  EXPECT_EQ(p.kind, "hypervisor");
  EXPECT_EQ(p.name, "zoo-good");
  EXPECT_EQ(p.version, "1.0.0");
  EXPECT_EQ(p.abiMajor, GANTRY_SDK_ABI_MAJOR);
  EXPECT_EQ(p.file, kZoo / "good.so");
  auto hv = registry_.get<sdk::Hypervisor>("zoo-good");
  ASSERT_TRUE(hv.ok()) << hv.error().message;
  EXPECT_FALSE((*hv)->canMigrate());
  EXPECT_EQ((*hv)->startInstance(sdk::InstanceSpec{}, false).error().code,
            sdk::ErrorCode::kUnsupported);
}

TEST_F(RegistryZoo, RefusesAWrongAbiMajorNamingBothVersions) {
  EXPECT_EQ(reasonFor(registry_, "wrong_abi_major.so"),
            "built for SDK ABI " + std::to_string(GANTRY_SDK_ABI_MAJOR + 1) +
                ".3, expected ABI " + std::to_string(GANTRY_SDK_ABI_MAJOR) + ".x");
}

TEST_F(RegistryZoo, RefusesASharedObjectWithoutDescriptor) {
  EXPECT_EQ(reasonFor(registry_, "no_descriptor.so"),
            "no plugin descriptor (symbol 'gantry_plugin_descriptor' is not exported)");
}

TEST_F(RegistryZoo, RefusesAFileThatIsNotElf) {
  EXPECT_EQ(reasonFor(registry_, "not_elf.so"), "not an ELF shared object");
}

TEST_F(RegistryZoo, RefusesAPluginWhoseCreateThrows) {
  EXPECT_EQ(reasonFor(registry_, "create_throws.so"),
            "create function of hypervisor plugin 'zoo-throws' threw: licence file missing");
}

TEST_F(RegistryZoo, RefusesAPluginWhoseCreateReturnsNull) {
  EXPECT_EQ(reasonFor(registry_, "null_create.so"),
            "create function of hypervisor plugin 'zoo-null' returned null");
}

TEST_F(RegistryZoo, FirstOfTwoSameNamedPluginsWins) {
  EXPECT_EQ(reasonFor(registry_, "second_good.so"),
            "duplicate hypervisor plugin 'zoo-good': already loaded from " +
                (kZoo / "good.so").string());
  EXPECT_EQ(registry_.find("hypervisor", "zoo-good")->version, "1.0.0");
}

TEST_F(RegistryZoo, RefusesAnUnknownKind) {
  EXPECT_EQ(reasonFor(registry_, "unknown_kind.so"), "unknown plugin kind 'toaster'");
}

TEST_F(RegistryZoo, EveryRefusalIsOneLineNamingTheFile) {
  EXPECT_EQ(registry_.refused().size(), 7u);
  for (const auto& r : registry_.refused()) {
    const std::string line = r.describe();
    EXPECT_EQ(line.find('\n'), std::string::npos) << line;
    EXPECT_EQ(line.rfind(r.file.string() + ": ", 0), 0u) << line;
  }
}

TEST_F(RegistryZoo, KeepsServingAfterRefusals) {
  // Scanning again refuses everything again (names now taken) and still works.
  registry_.scan({kZoo});
  EXPECT_EQ(registry_.loaded().size(), 1u);
  EXPECT_TRUE(registry_.get<sdk::Hypervisor>("zoo-good").ok());
  EXPECT_EQ(registry_.get<sdk::Hypervisor>("zoo-null").error().code,
            sdk::ErrorCode::kNotFound);
  EXPECT_EQ(registry_.get<sdk::Storage>("zoo-good").error().message,
            "no storage plugin named 'zoo-good' is loaded");
}

TEST(Registry, ScansDirectoriesLeftToRight) {
  NullHost host;
  PluginRegistry registry(&host);
  // second_good.so alone in a first directory wins over the zoo's good.so.
  const fs::path first = fs::temp_directory_path() /
                         ("gantry-registry-" + std::to_string(::getpid()));
  fs::create_directories(first / "hypervisor");
  fs::copy_file(kZoo / "second_good.so", first / "hypervisor" / "second_good.so",
                fs::copy_options::overwrite_existing);
  registry.scan({first, kZoo});
  ASSERT_NE(registry.find("hypervisor", "zoo-good"), nullptr);
  EXPECT_EQ(registry.find("hypervisor", "zoo-good")->file,
            first / "hypervisor" / "second_good.so");
  EXPECT_EQ(registry.find("hypervisor", "zoo-good")->version, "2.0.0");
  fs::remove_all(first);
}

TEST(Registry, SearchPathIsEnvironmentThenBuiltin) {
  ::setenv("GANTRY_PLUGIN_PATH", "/opt/a::/opt/b", 1);
  auto path = PluginRegistry::defaultSearchPath();
  ::unsetenv("GANTRY_PLUGIN_PATH");
  ASSERT_EQ(path.size(), 3u);
  EXPECT_EQ(path[0], "/opt/a");
  EXPECT_EQ(path[1], "/opt/b");
  EXPECT_EQ(path[2], PluginRegistry::builtinPluginDir());
  EXPECT_EQ(path[2].filename(), "plugins");
}

TEST(Registry, MissingDirectoriesAreSkipped) {
  NullHost host;
  PluginRegistry registry(&host);
  registry.scan({"/nonexistent/gantry/plugins"});
  EXPECT_TRUE(registry.loaded().empty());
  EXPECT_TRUE(registry.refused().empty());
}

}  // namespace
}  // namespace gantry::core::plugins
