// Hooks around a logical unit: pre hooks can stop it, post hooks only
// warn, both see Ganeti's environment. Stand-in logical unit:
// OP_INSTANCE_SHUTDOWN with hooks path "instance-stop".
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "daemon/master/lu/logical_unit.h"
#include "master/master_test_support.h"

namespace gantry::daemon::master {
namespace {

using core::jobs::OpStatus;
using testing::MasterHarness;
using testing::writeScript;
namespace fs = std::filesystem;

class LuStopWithHooks : public LogicalUnit {
 public:
  using LogicalUnit::LogicalUnit;
  bool requiresBgl() const override { return false; }
  std::string hooksPath() const override { return "instance-stop"; }
  std::string hooksObjectType() const override { return "INSTANCE"; }
  std::map<std::string, std::string> hooksEnv() const override {
    return {{"INSTANCE_NAME", op.getString("instance_name")}, {"INSTANCE_STATUS", state_}};
  }
  nlohmann::json exec() override {
    ++execCount;
    state_ = "down";
    return nullptr;
  }
  static inline int execCount = 0;

 private:
  std::string state_ = "up";
};

std::string readFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Writes the environment of the hook to <root>/env-<name>, one VAR=value
// per line, then exits with `code` after printing `output`.
std::string envDumpingHook(const fs::path& root, const std::string& name, int code,
                           const std::string& output = "") {
  return "#!/bin/sh\nenv | sort > '" + (root / ("env-" + name)).string() + "'\n" +
         (output.empty() ? "" : "echo '" + output + "'\n") + "exit " + std::to_string(code) +
         "\n";
}

nlohmann::json shutdown(bool dryRun = false) {
  nlohmann::json op = {{"OP_ID", "OP_INSTANCE_SHUTDOWN"}, {"instance_name", "inst1"}};
  if (dryRun) op["dry_run"] = true;
  return op;
}

class ProcessorHooks : public ::testing::Test {
 protected:
  void SetUp() override {
    registerLogicalUnit("OP_INSTANCE_SHUTDOWN", [](const auto& op, auto& services, auto& ctx) {
      return std::make_unique<LuStopWithHooks>(op, services, ctx);
    });
    LuStopWithHooks::execCount = 0;
  }
  fs::path hooks(const std::string& phase) {
    return master_.services().hooksDir() / ("instance-stop-" + phase + ".d");
  }
  MasterHarness master_;
};

TEST_F(ProcessorHooks, BothPhasesSeeGanetisEnvironment) {
  writeScript(hooks("pre") / "10-env", envDumpingHook(master_.root(), "pre", 0));
  writeScript(hooks("post") / "10-env", envDumpingHook(master_.root(), "post", 0));
  auto job = master_.waitFinal(master_.submit({shutdown()}));
  ASSERT_EQ(job.status(), OpStatus::kSuccess) << job.ops[0].result.dump();
  EXPECT_EQ(LuStopWithHooks::execCount, 1);

  const std::string pre = readFile(master_.root() / "env-pre");
  for (const char* line :
       {"GANETI_HOOKS_VERSION=2\n", "GANETI_HOOKS_PHASE=pre\n",
        "GANETI_HOOKS_PATH=instance-stop\n", "GANETI_OP_CODE=OP_INSTANCE_SHUTDOWN\n",
        "GANETI_OBJECT_TYPE=INSTANCE\n", "GANETI_INSTANCE_NAME=inst1\n",
        "GANETI_INSTANCE_STATUS=up\n"}) {
    EXPECT_NE(pre.find(line), std::string::npos) << line << "missing in:\n" << pre;
  }
  EXPECT_EQ(pre.find("GANETI_POST_"), std::string::npos) << pre;
  const std::string post = readFile(master_.root() / "env-post");
  for (const char* line : {"GANETI_HOOKS_PHASE=post\n", "GANETI_INSTANCE_STATUS=up\n",
                           "GANETI_POST_INSTANCE_STATUS=down\n",
                           "GANETI_POST_INSTANCE_NAME=inst1\n"}) {
    EXPECT_NE(post.find(line), std::string::npos) << line << "missing in:\n" << post;
  }
}

TEST_F(ProcessorHooks, AFailingPreHookAbortsBeforeExec) {
  writeScript(hooks("pre") / "10-ok", "#!/bin/sh\nexit 0\n");
  writeScript(hooks("pre") / "20-veto", "#!/bin/sh\necho 'not today'\nexit 3\n");
  writeScript(hooks("post") / "10-env", envDumpingHook(master_.root(), "post", 0));
  auto job = master_.waitFinal(master_.submit({shutdown()}));
  ASSERT_EQ(job.status(), OpStatus::kError);
  const nlohmann::json& error = job.ops[0].result;
  ASSERT_EQ(error[0], "HooksAbort") << error.dump();
  ASSERT_EQ(error[1][0].size(), 1u) << error.dump();
  EXPECT_EQ(error[1][0][0][1], "20-veto");
  EXPECT_EQ(error[1][0][0][2], "not today\n");
  EXPECT_EQ(LuStopWithHooks::execCount, 0);
  EXPECT_FALSE(fs::exists(master_.root() / "env-post"));
}

TEST_F(ProcessorHooks, AFailingPostHookWarnsAndTheOpcodeSucceeds) {
  writeScript(hooks("post") / "10-grumble", "#!/bin/sh\necho grumble\nexit 1\n");
  writeScript(hooks("post") / "20-silent", "#!/bin/sh\nexit 1\n");
  auto job = master_.waitFinal(master_.submit({shutdown()}));
  ASSERT_EQ(job.status(), OpStatus::kSuccess) << job.ops[0].result.dump();
  EXPECT_EQ(LuStopWithHooks::execCount, 1);
  auto lines = master_.messages(job);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("script 10-grumble failed, output: grumble"), std::string::npos)
      << lines[0];
  // A silent failure still says how the script ended.
  EXPECT_NE(lines[1].find("script 20-silent failed, output: exited with exit code 1"),
            std::string::npos)
      << lines[1];
}

TEST_F(ProcessorHooks, DryRunRunsPreHooksOnly) {
  writeScript(hooks("pre") / "10-env", envDumpingHook(master_.root(), "pre", 0));
  writeScript(hooks("post") / "10-env", envDumpingHook(master_.root(), "post", 0));
  auto job = master_.waitFinal(master_.submit({shutdown(true)}));
  ASSERT_EQ(job.status(), OpStatus::kSuccess);
  EXPECT_EQ(LuStopWithHooks::execCount, 0);
  EXPECT_TRUE(fs::exists(master_.root() / "env-pre"));
  EXPECT_FALSE(fs::exists(master_.root() / "env-post"));
}

}  // namespace
}  // namespace gantry::daemon::master
