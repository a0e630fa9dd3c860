#include "core/allocator/external.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "allocator_test_support.h"

namespace gantry::core::allocator {
namespace {

namespace fs = std::filesystem;
using testing::ScratchDir;
using testing::readText;
using testing::writeScript;

constexpr const char* kRequest = R"({"version":2,"request":{"type":"allocate"}})";

class ExternalAllocator : public ::testing::Test {
 protected:
  ScratchDir dir_;
  fs::path bin() const { return dir_.path() / "bin"; }
  fs::path tmp() const { return dir_.path() / "tmp"; }
  void SetUp() override {
    fs::create_directories(bin());
    fs::create_directories(tmp());
  }
  ExternalRunOptions options(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    return ExternalRunOptions{timeout, tmp()};
  }
  sdk::Result<AllocatorResponse> run(const std::string& name,
                                     const sdk::AllocatorOptions& opts = {},
                                     std::chrono::milliseconds timeout =
                                         std::chrono::seconds(20)) {
    return runExternalAllocatorByName(name, {dir_.path() / "empty", bin()}, kRequest, opts,
                                      options(timeout));
  }
};

TEST_F(ExternalAllocator, RunsTheScriptWithTheRequestFileAndOptions) {
  // The fixture allocator records what it got, then answers.
  const fs::path seen = dir_.path() / "seen";
  writeScript(bin(), "recorder",
              "printf '%s\\n' \"$@\" > '" + seen.string() + ".args'\n"
              "cat \"$1\" > '" + seen.string() + ".json'\n"
              "echo '{\"success\": true, \"info\": \"picked\", \"result\": [\"node1\"]}'");
  auto r = run("recorder", {{"ignore-soft-errors", std::nullopt}, {"static-kvm-node-memory", "0"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->success);
  EXPECT_EQ(r->info, "picked");
  EXPECT_EQ(r->resultJson, R"(["node1"])");
  EXPECT_EQ(readText(seen.string() + ".json"), kRequest);

  std::istringstream args(readText(seen.string() + ".args"));
  std::string input, opt1, opt2, extra;
  std::getline(args, input);
  std::getline(args, opt1);
  std::getline(args, opt2);
  EXPECT_FALSE(std::getline(args, extra));
  EXPECT_EQ(fs::path(input).parent_path(), tmp());
  EXPECT_EQ(opt1, "--ignore-soft-errors");
  EXPECT_EQ(opt2, "--static-kvm-node-memory=0");
  // The request file is gone afterwards.
  EXPECT_FALSE(fs::exists(input));
  EXPECT_TRUE(fs::is_empty(tmp()));
}

TEST_F(ExternalAllocator, AValidNegativeAnswerIsNotAnError) {
  writeScript(bin(), "full",
              "echo '{\"success\": false, \"info\": \"Request failed: no space\", "
              "\"result\": []}'");
  auto r = run("full");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->success);
  EXPECT_EQ(r->info, "Request failed: no space");
}

TEST_F(ExternalAllocator, NonZeroExitIsAFailureWithTheOutput) {
  writeScript(bin(), "broken", "echo 'partial answer'\necho 'it broke' >&2\nexit 3");
  auto r = run("broken");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "iallocator module 'broken' failed: exited with exit code 3, output 'partial "
            "answer\nit broke\n'");
  EXPECT_TRUE(fs::is_empty(tmp()));
}

TEST_F(ExternalAllocator, ExitZeroWithGarbageIsRefused) {
  writeScript(bin(), "chatty", "echo 'Selected node1'");
  auto r = run("chatty");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "iallocator module 'chatty' returned an invalid answer: output is not JSON: "
            "'Selected node1\n'");
  writeScript(bin(), "typo", "echo '{\"sucess\": true, \"info\": \"\", \"result\": []}'");
  auto typo = run("typo");
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.error().message,
            "iallocator module 'typo' returned an invalid answer: missing key 'success'");
}

TEST_F(ExternalAllocator, TimeoutKillsTheAllocator) {
  writeScript(bin(), "stuck", "echo 'thinking'\nexec sleep 30");
  const auto start = std::chrono::steady_clock::now();
  auto r = run("stuck", {}, std::chrono::milliseconds(300));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "iallocator module 'stuck' failed: timed out after 300ms, output 'thinking\n'");
  EXPECT_LT(took, std::chrono::seconds(10));
  EXPECT_TRUE(fs::is_empty(tmp()));
}

TEST_F(ExternalAllocator, NotFoundInTheSearchPath) {
  auto r = run("nonexistent");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, sdk::ErrorCode::kNotFound);
  EXPECT_EQ(r.error().message, "iallocator module 'nonexistent' not found in the search path");
  // Paths are not names: nothing outside the search path is run.
  writeScript(dir_.path(), "outside", "echo '{}'");
  EXPECT_FALSE(findAllocator("../outside", {bin()}));
  EXPECT_FALSE(findAllocator((dir_.path() / "outside").string(), {bin()}));
  EXPECT_FALSE(findAllocator("", {bin()}));
}

TEST_F(ExternalAllocator, SearchPathIsOrdered) {
  fs::create_directories(dir_.path() / "first");
  writeScript(dir_.path() / "first", "dup",
              "echo '{\"success\": true, \"info\": \"first\", \"result\": []}'");
  writeScript(bin(), "dup", "echo '{\"success\": true, \"info\": \"second\", \"result\": []}'");
  auto found = findAllocator("dup", {dir_.path() / "first", bin()});
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, dir_.path() / "first" / "dup");
  auto r = runExternalAllocatorByName("dup", {bin(), dir_.path() / "first"}, kRequest, {},
                                      options());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->info, "second");
}

TEST(ExternalAllocatorArgv, OptionsInKeyOrderWithBareFlags) {
  EXPECT_EQ(allocatorArgv("/x/hail", "/tmp/in.json",
                          {{"b", "2"}, {"a", std::nullopt}, {"c", "x y"}}),
            (std::vector<std::string>{"/x/hail", "/tmp/in.json", "--a", "--b=2", "--c=x y"}));
}

}  // namespace
}  // namespace gantry::core::allocator
