// The hooks runner on its own: which scripts run, in which order, with
// which environment, and what a failure or a timeout looks like.
#include "daemon/master/lu/hooks_runner.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "master/master_test_support.h"

namespace gantry::daemon::master {
namespace {

namespace fs = std::filesystem;
using testing::writeScript;
using Status = HookResult::Status;

class HooksRunner : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ghr-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    dir_ = root_ / "hooks/node-add-post.d";
  }
  void TearDown() override { fs::remove_all(root_); }
  HooksRequest request(std::chrono::seconds timeout = std::chrono::seconds(30)) {
    return {root_ / "hooks", "node-add", "post", {{"GANETI_NODE_NAME", "node4"}}, timeout};
  }
  fs::path root_;
  fs::path dir_;
};

TEST_F(HooksRunner, RunsValidExecutablesInLexicalOrderAndSkipsTheRest) {
  const std::string order = (root_ / "order").string();
  writeScript(dir_ / "20-second", "#!/bin/sh\necho 20 >> '" + order + "'\n");
  writeScript(dir_ / "10-first", "#!/bin/sh\necho 10 >> '" + order + "'\n");
  writeScript(dir_ / "15.bak", "#!/bin/sh\necho 15 >> '" + order + "'\n");  // name not valid
  std::ofstream(dir_ / "30-not-executable") << "#!/bin/sh\necho 30 >> '" << order << "'\n";

  auto results = runHooks(request());
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0].script, "10-first");
  EXPECT_EQ(results[0].status, Status::kSuccess);
  EXPECT_EQ(results[1].script, "15.bak");
  EXPECT_EQ(results[1].status, Status::kSkipped);
  EXPECT_EQ(results[2].script, "20-second");
  EXPECT_EQ(results[2].status, Status::kSuccess);
  EXPECT_EQ(results[3].script, "30-not-executable");
  EXPECT_EQ(results[3].status, Status::kSkipped);
  std::ifstream in(order);
  std::stringstream ran;
  ran << in.rdbuf();
  EXPECT_EQ(ran.str(), "10\n20\n");
}

TEST_F(HooksRunner, ScriptsGetOnlyTheGivenEnvironmentAndNoInput) {
  ::setenv("GANTRY_TEST_LEAK", "leaked", 1);
  writeScript(dir_ / "10-env",
              "#!/bin/sh\necho \"$GANETI_NODE_NAME/${GANTRY_TEST_LEAK:-clean}\"\n"
              "cat\npwd\n");
  auto results = runHooks(request());
  ::unsetenv("GANTRY_TEST_LEAK");
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, Status::kSuccess);
  EXPECT_EQ(results[0].output, "node4/clean\n/\n");
}

TEST_F(HooksRunner, AFailureKeepsItsOutputAndTheNextScriptsStillRun) {
  writeScript(dir_ / "10-fail", "#!/bin/sh\necho out\necho err >&2\nexit 2\n");
  writeScript(dir_ / "20-ok", "#!/bin/sh\nexit 0\n");
  auto results = runHooks(request());
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].status, Status::kFailed);
  EXPECT_EQ(results[0].output, "out\nerr\n");
  EXPECT_EQ(results[1].status, Status::kSuccess);
}

TEST_F(HooksRunner, AScriptOverItsTimeoutIsKilledAndFails) {
  writeScript(dir_ / "10-hang", "#!/bin/sh\nexec sleep 30\n");
  auto start = std::chrono::steady_clock::now();
  auto results = runHooks(request(std::chrono::seconds(1)));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, Status::kFailed);
  EXPECT_FALSE(results[0].output.empty());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

TEST_F(HooksRunner, NoDirectoryMeansNoHooks) {
  EXPECT_TRUE(runHooks(request()).empty());
}

TEST(HooksEnvironment, PostPhaseKeepsThePreValuesAndAddsPostOnes) {
  HooksEnvInput input;
  input.phase = "post";
  input.hooksPath = "node-add";
  input.opId = "OP_NODE_ADD";
  input.objectType = "NODE";
  input.cluster = "cluster1";
  input.master = "node1";
  input.dataDir = "/var/lib/gantry";
  input.luEnv = {{"NODE_NAME", "node4"}, {"NODE_PIP", "192.0.2.4"}};
  input.postEnv = {{"NODE_NAME", "node4"}, {"NODE_PIP", "192.0.2.5"}};
  auto env = hooksEnvironment(input);
  EXPECT_EQ(env.at("GANETI_HOOKS_VERSION"), "2");
  EXPECT_EQ(env.at("GANETI_HOOKS_PHASE"), "post");
  EXPECT_EQ(env.at("GANETI_OBJECT_TYPE"), "NODE");
  EXPECT_EQ(env.at("GANETI_CLUSTER"), "cluster1");
  EXPECT_EQ(env.at("GANETI_MASTER"), "node1");
  EXPECT_EQ(env.at("GANETI_DATA_DIR"), "/var/lib/gantry");
  EXPECT_EQ(env.at("GANETI_NODE_PIP"), "192.0.2.4");
  EXPECT_EQ(env.at("GANETI_POST_NODE_PIP"), "192.0.2.5");

  input.phase = "pre";
  input.objectType.clear();
  env = hooksEnvironment(input);
  EXPECT_EQ(env.count("GANETI_POST_NODE_PIP"), 0u);
  EXPECT_EQ(env.count("GANETI_OBJECT_TYPE"), 0u);
}

}  // namespace
}  // namespace gantry::daemon::master
