// The test host is what every plugin test stands on: check it too.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "test_host_support.h"

namespace gantry::plugins::testing {
namespace {

namespace fs = std::filesystem;

TEST(PluginTestHost, EachHostHasItsOwnRootWithEveryDir) {
  fs::path kept;
  {
    TestHost a;
    TestHost b;
    EXPECT_NE(a.root(), b.root());
    for (const fs::path& dir : {a.paths().dataDir, a.paths().runDir, a.paths().logDir,
                                a.paths().fileStorageDir, a.paths().sharedFileStorageDir}) {
      EXPECT_TRUE(fs::is_directory(dir)) << dir;
      EXPECT_EQ(dir.string().rfind(a.root().string() + "/", 0), 0u) << dir;
    }
    kept = a.root();
  }
  EXPECT_FALSE(fs::exists(kept));
}

TEST(PluginTestHost, SettingsAndLog) {
  TestHost host({{"fake.memory", "32G"}});
  EXPECT_EQ(host.setting("fake.memory"), "32G");
  EXPECT_EQ(host.setting("fake.cpus"), std::nullopt);
  host.setSetting("fake.cpus", "4");
  EXPECT_EQ(host.setting("fake.cpus"), "4");
  host.log(sdk::LogLevel::kWarning, "disk is slow");
  ASSERT_EQ(host.logLines().size(), 1u);
  EXPECT_EQ(host.logLines()[0].level, sdk::LogLevel::kWarning);
  EXPECT_TRUE(host.logged("is slow"));
  EXPECT_FALSE(host.logged("is fast"));
}

TEST(PluginTestHost, RunsACommandWithStdinAndEnvironment) {
  TestHost host;
  sdk::ProcessRequest cat;
  cat.argv = {"cat"};
  cat.inheritEnv = true;
  cat.stdinData = "line one\nline two\n";
  auto r = host.runProcess(cat);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->succeeded());
  EXPECT_EQ(r->out, "line one\nline two\n");

  sdk::ProcessRequest env;
  env.argv = {"/usr/bin/env"};
  env.env = {{"ONLY", "this"}};
  auto e = host.runProcess(env);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->out, "ONLY=this\n");

  sdk::ProcessRequest pwd;
  pwd.argv = {"/bin/pwd"};
  pwd.cwd = host.paths().runDir;
  auto p = host.runProcess(pwd);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->out, fs::canonical(host.paths().runDir).string() + "\n");
}

TEST(PluginTestHost, ReportsExitCodesTimeoutsAndMissingPrograms) {
  TestHost host;
  sdk::ProcessRequest fail;
  fail.argv = {"/bin/false"};
  auto f = host.runProcess(fail);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->exitCode, 1);
  EXPECT_FALSE(f->succeeded());

  sdk::ProcessRequest slow;
  slow.argv = {"/bin/sleep", "30"};
  slow.timeout = std::chrono::milliseconds(100);
  auto s = host.runProcess(slow);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->timedOut);
  EXPECT_EQ(s->signal, 9);

  sdk::ProcessRequest missing;
  missing.argv = {"/nonexistent/program"};
  auto m = host.runProcess(missing);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().message, "/nonexistent/program: No such file or directory");
}

TEST(PluginTestHost, AppendsOutputToAFile) {
  TestHost host;
  const fs::path log = host.paths().logDir / "cmd.log";
  sdk::ProcessRequest echo;
  echo.argv = {"/bin/echo", "hello"};
  echo.outputFile = log;
  ASSERT_TRUE(host.runProcess(echo).ok());
  ASSERT_TRUE(host.runProcess(echo).ok());
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), "hello\nhello\n");
}

}  // namespace
}  // namespace gantry::plugins::testing
