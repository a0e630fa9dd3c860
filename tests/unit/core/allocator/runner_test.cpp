#include "core/allocator/runner.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "allocator_test_support.h"
#include "core/plugins/registry.h"
#include "gantry/sdk/plugin_abi.h"

namespace gantry::core::allocator {
namespace {

namespace fs = std::filesystem;
using testing::NullHost;
using testing::ScratchDir;
using testing::readText;
using testing::writeScript;

// In-process allocators registered as built-ins.
class FixedAllocator : public sdk::InstanceAllocator {
 public:
  explicit FixedAllocator(sdk::Host*) {}
  sdk::Result<std::string> run(std::string_view request,
                               const sdk::AllocatorOptions& options) override {
    nlohmann::json req = nlohmann::json::parse(request);
    return nlohmann::json{{"success", true},
                          {"info", "options " + std::to_string(options.size())},
                          {"result", {req["request"]["name"]}}}
        .dump();
  }
};

class GarbageAllocator : public sdk::InstanceAllocator {
 public:
  explicit GarbageAllocator(sdk::Host*) {}
  sdk::Result<std::string> run(std::string_view, const sdk::AllocatorOptions&) override {
    return std::string(R"({"success": 1, "info": "", "result": []})");
  }
};

class RefusingAllocator : public sdk::InstanceAllocator {
 public:
  explicit RefusingAllocator(sdk::Host*) {}
  sdk::Result<std::string> run(std::string_view, const sdk::AllocatorOptions&) override {
    return sdk::Error{sdk::ErrorCode::kInvalid, "Invalid request type 'x'"};
  }
};

GANTRY_PLUGIN_DESCRIPTOR(kFixed, InstanceAllocator, FixedAllocator, "fixed", "1.0");
GANTRY_PLUGIN_DESCRIPTOR(kGarbage, InstanceAllocator, GarbageAllocator, "garbage", "1.0");
GANTRY_PLUGIN_DESCRIPTOR(kRefusing, InstanceAllocator, RefusingAllocator, "refusing", "1.0");

class AllocatorRunnerTest : public ::testing::Test {
 protected:
  NullHost host_;
  plugins::PluginRegistry registry_{&host_};
  ScratchDir dir_;

  void SetUp() override {
    ASSERT_TRUE(registry_.addBuiltin(kFixed));
    ASSERT_TRUE(registry_.addBuiltin(kGarbage));
    ASSERT_TRUE(registry_.addBuiltin(kRefusing));
  }
  AllocatorRunner runner() {
    return AllocatorRunner(&registry_, {{dir_.path()}, {std::chrono::seconds(20), dir_.path()}});
  }
};

constexpr const char* kRequest = R"({"request": {"type": "allocate", "name": "inst1"}})";

TEST_F(AllocatorRunnerTest, APluginOfThatNameIsUsedFirst) {
  // An executable of the same name exists but is not the one that answers.
  writeScript(dir_.path(), "fixed", "exit 1");
  auto src = runner().resolve("fixed");
  ASSERT_TRUE(src.ok());
  EXPECT_EQ(src->kind, AllocatorSource::Kind::kPlugin);
  auto r = runner().run("fixed", kRequest, {{"a", "1"}, {"b", std::nullopt}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->success);
  EXPECT_EQ(r->info, "options 2");
  EXPECT_EQ(r->resultJson, R"(["inst1"])");
}

TEST_F(AllocatorRunnerTest, AnExecutableWhenNoPluginHasTheName) {
  writeScript(dir_.path(), "script",
              "echo '{\"success\": true, \"info\": \"from a script\", \"result\": [\"n9\"]}'");
  auto src = runner().resolve("script");
  ASSERT_TRUE(src.ok());
  EXPECT_EQ(src->kind, AllocatorSource::Kind::kExecutable);
  EXPECT_EQ(src->program, dir_.path() / "script");
  auto r = runner().run("script", kRequest);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->info, "from a script");
}

TEST_F(AllocatorRunnerTest, PluginAnswersAreCheckedToo) {
  auto r = runner().run("garbage", kRequest);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "iallocator module 'garbage' returned an invalid answer: 'success' must be a "
            "boolean, got a number");
  auto refused = runner().run("refusing", kRequest);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message,
            "iallocator module 'refusing' failed: Invalid request type 'x', output ''");
}

TEST_F(AllocatorRunnerTest, NeitherPluginNorExecutable) {
  auto r = runner().run("hbal", kRequest);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, sdk::ErrorCode::kNotFound);
  EXPECT_EQ(r.error().message, "iallocator module 'hbal' not found in the search path");
  AllocatorRunner noRegistry(nullptr, {{dir_.path()}, {}});
  EXPECT_FALSE(noRegistry.run("fixed", kRequest).ok());
}

TEST(AllocatorSearchPath, DefaultEndsInIallocatorDirectories) {
  const auto path = defaultAllocatorSearchPath();
  ASSERT_FALSE(path.empty());
  for (const auto& dir : path) EXPECT_EQ(dir.filename(), "iallocators") << dir;
}

// Gantry's own hail, once as an external program (Ganeti's protocol) and
// once as the loaded plugin: the same request gets the same answer.
TEST(AllocatorRunnerHail, ExecutableAndPluginAgree) {
  const fs::path hailExe = fs::path(GANTRY_BINARY_DIR) / "bin" / "hail";
  const fs::path hailSo = fs::path(GANTRY_PLUGIN_DIR) / "iallocator" / "iallocator_hail.so";
  ASSERT_TRUE(fs::exists(hailExe)) << hailExe << " is missing: build the target hail";
  ASSERT_TRUE(fs::exists(hailSo)) << hailSo << " is missing: build iallocator_hail";
  const fs::path data = fs::path(GANTRY_SHARED_DIR) / "testdata/hail-expected";
  NullHost host;
  plugins::PluginRegistry registry(&host);
  ASSERT_TRUE(registry.loadFile(hailSo));
  ScratchDir dir;
  fs::copy_file(hailExe, dir.path() / "hail-external");
  AllocatorRunner runner(&registry, {{dir.path()}, {std::chrono::seconds(60), dir.path()}});
  ASSERT_EQ(runner.resolve("hail-external")->kind, AllocatorSource::Kind::kExecutable);
  ASSERT_EQ(runner.resolve("hail")->kind, AllocatorSource::Kind::kPlugin);

  for (const char* name : {"td-alloc-drbd", "td-node-evac", "td-reloc-drbd", "td-change-group",
                           "td-alloc-secondary"}) {
    SCOPED_TRACE(name);
    const std::string request = readText(data / name / "input.json");
    ASSERT_FALSE(request.empty());
    auto external = runner.run("hail-external", request);
    auto plugin = runner.run("hail", request);
    ASSERT_TRUE(external.ok()) << external.error().message;
    ASSERT_TRUE(plugin.ok()) << plugin.error().message;
    EXPECT_EQ(external->success, plugin->success);
    EXPECT_EQ(external->info, plugin->info);
    EXPECT_EQ(external->resultJson, plugin->resultJson);
    // And both are Ganeti's answer.
    const auto expected = nlohmann::json::parse(readText(data / name / "expected.json"));
    EXPECT_EQ(external->success, expected["success"].get<bool>());
    EXPECT_EQ(nlohmann::json::parse(external->resultJson), expected["result"]);
  }
  // Only the allocator itself is left: every request file was removed.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator{}), 1);
}

}  // namespace
}  // namespace gantry::core::allocator
