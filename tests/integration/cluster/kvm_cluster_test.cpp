// Real virtual machines through the CLI on a 2-node virtual cluster with
// kvm (qemu under TCG) and shared file storage: the instance's guest boots
// and prints its readiness line on the serial console, a live migration
// moves it to a new qemu process on the other node while its counter goes
// on, failover and reboots work, and removal leaves no qemu process or
// socket behind.
#include <signal.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "cluster/console_support.h"
#include "cluster/vcluster_support.h"
#include "guest_support.h"

namespace gantry::test {
namespace {
namespace fs = std::filesystem;
using plugins::kvm::testing::SerialReader;
using namespace std::chrono_literals;

// The pid qemu wrote for instance `name` on `node`, if it runs there.
std::optional<pid_t> qemuPid(const VirtualCluster& cluster, const std::string& node,
                             const std::string& name) {
  std::ifstream in(cluster.root(node) / "var/run/gantry/kvm-hypervisor/pid" / name);
  long pid = 0;
  if (!(in >> pid) || pid <= 0) return std::nullopt;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), {});
  // A zombie (state Z) has exited; only its parent has not collected it.
  const auto close = text.rfind(')');
  if (text.empty() || close == std::string::npos || text.substr(close + 2, 1) == "Z") {
    return std::nullopt;
  }
  return static_cast<pid_t>(pid);
}

fs::path serialSocket(const VirtualCluster& cluster, const std::string& node,
                      const std::string& name) {
  return cluster.root(node) / "var/run/gantry/kvm-hypervisor/ctrl" / (name + ".serial");
}

// True when the guest kernel reported an oops or a panic on its console.
bool guestOopsed(const std::string& transcript) {
  return transcript.find("Oops:") != std::string::npos ||
         transcript.find("Kernel panic") != std::string::npos;
}

TEST(KvmClusterSlow, BootMigrateFailoverRebootRemove) {
  std::string why;
  if (!plugins::kvm::testing::tinyGuest(why)) GTEST_SKIP() << why;
  VirtualCluster cluster(2, {"--kvm"});
  ASSERT_TRUE(cluster.upResult().succeeded()) << cluster.upResult().out << cluster.upResult().err;
  auto gnt = [&](const std::vector<std::string>& args) {
    return cluster.exec("node1", "gnt-instance", args);
  };
  auto added = gnt({"add", "-t", "sharedfile", "-s", "1g", "--no-nics", "-o",
                    "gantry-image+default", "-n", "node1", "-H",
                    "kvm:kernel_args=ro gantry.name=vm1", "vm1"});
  ASSERT_TRUE(added.succeeded()) << added.out << added.err;
  const auto firstPid = qemuPid(cluster, "node1", "vm1");
  ASSERT_TRUE(firstPid.has_value());
  // The operator's console, through the node daemon: the readiness line
  // (asked for again with "status" if the boot printed it before the
  // console was attached), typed lines answered, one client at a time,
  // Ctrl-] leaves the guest running.
  long tickBefore = 0;
  {
    ConsoleClient console(cluster, "node1", "vm1");
    ASSERT_TRUE(console.waitFor("Ctrl-] detaches", 20s)) << console.transcript();
    bool ready = false;
    for (int i = 0; i < 12 && !ready; ++i) {
      console.type("status\r");
      ready = console.waitFor("GANTRY-GUEST-READY name=vm1", 5s);
    }
    ASSERT_TRUE(ready) << console.transcript();
    console.type("hello gantry\r");
    EXPECT_TRUE(console.waitFor("GUEST-ECHO hello gantry", 10s)) << console.transcript();

    ConsoleClient second(cluster, "node1", "vm1");
    EXPECT_EQ(second.waitExit(20s), 1) << second.transcript();
    EXPECT_NE(second.transcript().find("Instance vm1 already has a console client connected"),
              std::string::npos)
        << second.transcript();

    const auto tick = console.nextTick(10s);
    ASSERT_TRUE(tick.has_value()) << console.transcript();
    tickBefore = *tick;
    EXPECT_EQ(console.detach(), 0) << console.transcript();
  }
  EXPECT_EQ(qemuPid(cluster, "node1", "vm1"), firstPid) << "detaching left the guest running";
  auto info = gnt({"info", "vm1"});
  EXPECT_NE(info.out.find("State: configured to be up, actual state is up"), std::string::npos)
      << info.out;
  EXPECT_NE(info.out.find("Hypervisor: kvm"), std::string::npos);

  // Live migration: a new qemu on node2, the old one gone, the guest's
  // counter still going on the console (now relayed by node2's daemon).
  // The guest kernel under qemu 7.2's TCG was once seen to oops within
  // seconds of an otherwise complete migration (its uptime ran on, so the
  // state had arrived; a stale per-CPU timer page is qemu's to answer for).
  // That case alone, a guest oops the console shows after it attached, is
  // said and tried once more from a fresh boot; anything else without a
  // tick fails at once.
  for (int attempt = 1;; ++attempt) {
    auto migrated = gnt({"migrate", "-f", "-n", "node2", "vm1"});
    ASSERT_TRUE(migrated.succeeded()) << migrated.out << migrated.err;
    EXPECT_EQ(gnt({"list", "--no-headers", "-o", "pnode,status", "vm1"}).out,
              "node2 running\n");
    EXPECT_FALSE(qemuPid(cluster, "node1", "vm1").has_value());
    ASSERT_TRUE(qemuPid(cluster, "node2", "vm1").has_value());
    ConsoleClient console(cluster, "node1", "vm1");
    auto tick = console.nextTick(15s);
    if (!tick && attempt == 1 && guestOopsed(console.transcript())) {
      std::cout << "NOTE: the guest kernel oopsed after the live migration (TCG); "
                   "migrating a fresh boot once more. Its console:\n"
                << console.transcript() << std::endl;
      EXPECT_EQ(console.detach(), 0) << console.transcript();
      auto back = gnt({"failover", "-f", "--shutdown-timeout", "0", "-n", "node1", "vm1"});
      ASSERT_TRUE(back.succeeded()) << back.out << back.err;
      ConsoleClient fresh(cluster, "node1", "vm1");
      const auto freshTick = fresh.nextTick(60s);
      ASSERT_TRUE(freshTick.has_value()) << fresh.transcript();
      tickBefore = *freshTick;
      EXPECT_EQ(fresh.detach(), 0) << fresh.transcript();
      continue;
    }
    ASSERT_TRUE(tick.has_value()) << console.transcript();
    EXPECT_GT(*tick, tickBefore) << "the guest kept counting across the migration";
    EXPECT_EQ(console.detach(), 0) << console.transcript();
    break;
  }

  // Failover back: stop on node2, start on node1 (a fresh boot).
  auto failedOver = gnt({"failover", "-f", "-n", "node1", "vm1"});
  ASSERT_TRUE(failedOver.succeeded()) << failedOver.out << failedOver.err;
  EXPECT_FALSE(qemuPid(cluster, "node2", "vm1").has_value());
  ASSERT_TRUE(qemuPid(cluster, "node1", "vm1").has_value());

  // Each reboot waits for the guest to be up again, as an operator would:
  // a guest still booting ignores the ACPI power button.
  auto waitUntilReady = [&] {
    SerialReader console(serialSocket(cluster, "node1", "vm1"), 10s);
    return console.waitForLine("GANTRY-GUEST-READY name=vm1", 60s).has_value() ||
           console.nextTick(5s).has_value();
  };
  ASSERT_TRUE(waitUntilReady());
  for (const char* type : {"soft", "hard", "full"}) {
    auto rebooted = gnt({"reboot", "-t", type, "--shutdown-timeout", "30", "vm1"});
    EXPECT_TRUE(rebooted.succeeded()) << type << ": " << rebooted.err;
    EXPECT_EQ(gnt({"list", "--no-headers", "-o", "status", "vm1"}).out, "running\n") << type;
    ASSERT_TRUE(waitUntilReady()) << type;
  }
  // A console attached while the instance stops ends by itself.
  ConsoleClient watching(cluster, "node1", "vm1");
  ASSERT_TRUE(watching.waitFor("Ctrl-] detaches", 20s)) << watching.transcript();
  auto stopped = gnt({"shutdown", "--timeout", "20", "vm1"});
  ASSERT_TRUE(stopped.succeeded()) << stopped.err;
  EXPECT_FALSE(qemuPid(cluster, "node1", "vm1").has_value());
  EXPECT_EQ(watching.waitExit(20s), 0) << watching.transcript();
  EXPECT_NE(watching.transcript().find("The console of instance vm1 closed"), std::string::npos)
      << watching.transcript();
  auto refused = gnt({"console", "vm1"});
  EXPECT_EQ(refused.exitCode, 1);
  EXPECT_NE(refused.err.find("Instance vm1 is not running, can't get console"), std::string::npos)
      << refused.err;
  auto removed = gnt({"remove", "-f", "vm1"});
  ASSERT_TRUE(removed.succeeded()) << removed.err;
  for (const char* node : {"node1", "node2"}) {
    EXPECT_FALSE(qemuPid(cluster, node, "vm1").has_value()) << node;
    EXPECT_FALSE(fs::exists(serialSocket(cluster, node, "vm1"))) << node;
  }
}

// A migration slowed down (1 MiB/s) has its target qemu killed while the
// memory moves: the job fails, the instance keeps running on its source,
// and `migrate --cleanup` confirms it and leaves nothing on the target. A
// node daemon restarted meanwhile finds the running guest again.
TEST(KvmClusterSlow, InterruptedMigrationCleanupAndNodeDaemonRestart) {
  std::string why;
  if (!plugins::kvm::testing::tinyGuest(why)) GTEST_SKIP() << why;
  VirtualCluster cluster(2, {"--kvm"});
  ASSERT_TRUE(cluster.upResult().succeeded()) << cluster.upResult().out << cluster.upResult().err;
  auto run = [&](const std::string& tool, const std::vector<std::string>& args) {
    return cluster.exec("node1", tool, args);
  };
  ASSERT_TRUE(run("gnt-cluster", {"modify", "-H", "kvm:migration_bandwidth=1"}).succeeded());
  auto added = run("gnt-instance", {"add", "-t", "sharedfile", "-s", "1g", "--no-nics", "-o",
                                    "gantry-image+default", "-n", "node1", "-H",
                                    "kvm:kernel_args=ro gantry.name=vm1", "vm1"});
  ASSERT_TRUE(added.succeeded()) << added.err;
  {
    SerialReader console(serialSocket(cluster, "node1", "vm1"), 10s);
    ASSERT_TRUE(console.waitForLine("GANTRY-GUEST-READY name=vm1", 60s).has_value())
        << console.transcript();
  }
  const auto sourcePid = qemuPid(cluster, "node1", "vm1");
  ASSERT_TRUE(sourcePid.has_value());

  auto submitted = run("gnt-instance", {"migrate", "-f", "--submit", "-n", "node2", "vm1"});
  ASSERT_TRUE(submitted.succeeded()) << submitted.err;
  ASSERT_EQ(submitted.err.rfind("JobID: ", 0), 0u) << submitted.err;
  const std::string job = submitted.err.substr(7, submitted.err.find('\n') - 7);
  // The moment: the job says the transfer runs and the target qemu exists.
  std::optional<pid_t> targetPid;
  for (int i = 0; i < 600 && !targetPid; ++i) {
    const auto log = run("gnt-job", {"info", job}).out;
    if (log.find("* starting memory transfer") != std::string::npos) {
      targetPid = qemuPid(cluster, "node2", "vm1");
    }
    if (!targetPid) std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(targetPid.has_value()) << run("gnt-job", {"info", job}).out;
  ASSERT_EQ(::kill(*targetPid, SIGKILL), 0);
  auto watched = run("gnt-job", {"watch", job});
  EXPECT_EQ(run("gnt-job", {"list", "--no-headers", "-o", "status", job}).out, "error\n")
      << watched.out;
  EXPECT_EQ(run("gnt-instance", {"list", "--no-headers", "-o", "pnode,status", "vm1"}).out,
            "node1 running\n");
  EXPECT_EQ(qemuPid(cluster, "node1", "vm1"), sourcePid);

  auto cleanup = run("gnt-instance", {"migrate", "--cleanup", "-f", "vm1"});
  ASSERT_TRUE(cleanup.succeeded()) << cleanup.err;
  EXPECT_NE(cleanup.out.find("instance confirmed to be running on its primary node (node1)"),
            std::string::npos)
      << cleanup.out;
  EXPECT_FALSE(qemuPid(cluster, "node2", "vm1").has_value());

  // A target without the memory the instance needs refuses the migration
  // before anything moves (the change of memory waits for a restart).
  auto grown = run("gnt-instance",
                   {"modify", "--force", "-B", "minmem=4194304,maxmem=4194304", "vm1"});
  ASSERT_TRUE(grown.succeeded()) << grown.err;
  auto noRoom = run("gnt-instance", {"migrate", "-f", "-n", "node2", "vm1"});
  EXPECT_EQ(noRoom.exitCode, 1);
  EXPECT_NE(noRoom.err.find("Not enough memory on node node2 for migrating instance vm1: "
                            "needed 4194304 MiB"),
            std::string::npos)
      << noRoom.err;
  EXPECT_EQ(qemuPid(cluster, "node1", "vm1"), sourcePid);
  EXPECT_FALSE(qemuPid(cluster, "node2", "vm1").has_value());

  // The node daemon of node1 goes away and comes back: the guest is found.
  ASSERT_TRUE(cluster.stopNode("node1").succeeded());
  ASSERT_TRUE(cluster.startNode("node1").succeeded());
  EXPECT_EQ(run("gnt-instance", {"list", "--no-headers", "-o", "status", "vm1"}).out,
            "running\n");
  EXPECT_EQ(qemuPid(cluster, "node1", "vm1"), sourcePid);
  auto stopped = run("gnt-instance", {"shutdown", "--timeout", "30", "vm1"});
  ASSERT_TRUE(stopped.succeeded()) << stopped.err;
  EXPECT_FALSE(qemuPid(cluster, "node1", "vm1").has_value());
}

TEST(KvmClusterSlow, RefusalsNameTheParameterAndChangeNothing) {
  std::string why;
  if (!plugins::kvm::testing::tinyGuest(why)) GTEST_SKIP() << why;
  VirtualCluster cluster(1, {"--kvm"});
  ASSERT_TRUE(cluster.upResult().succeeded()) << cluster.upResult().out << cluster.upResult().err;
  auto run = [&](const std::string& tool, const std::vector<std::string>& args) {
    return cluster.exec("node1", tool, args);
  };
  const std::string before = configStoreState(cluster.dataDir("node1"));
  struct Case {
    std::string tool;
    std::vector<std::string> args;
    std::string error;
  };
  const std::vector<std::string> add = {"add", "-t", "sharedfile", "-s", "1g", "--no-nics",
                                        "-o", "gantry-image+default", "-n", "node1"};
  auto withAdd = [&](std::vector<std::string> tail) {
    std::vector<std::string> args = add;
    args.insert(args.end(), tail.begin(), tail.end());
    return args;
  };
  const std::vector<Case> cases = {
      {"gnt-cluster", {"modify", "-H", "kvm:kvm_flag=bogus"},
       "Parameter 'kvm_flag' fails syntax check: The value must be one of: disabled, enabled"},
      {"gnt-cluster", {"modify", "-H", "kvm:colour=blue"}, "Unknown parameter 'colour'"},
      {"gnt-instance", withAdd({"-H", "kvm:kvm_flag=bogus", "vm1"}),
       "Parameter 'kvm_flag' fails syntax check"},
      {"gnt-instance", withAdd({"-H", "kvm:colour=blue", "vm1"}),
       "Parameter 'colour' is not supported"},
  };
  for (const auto& c : cases) {
    auto result = run(c.tool, c.args);
    EXPECT_EQ(result.exitCode, 1) << c.error;
    EXPECT_NE(result.err.find(c.error), std::string::npos) << result.err;
  }
  EXPECT_EQ(configStoreState(cluster.dataDir("node1")), before);

  // A kernel that is not on the node: the start says which and where.
  auto missing = run("gnt-instance", withAdd({"-H", "kvm:kernel_path=/nonexistent/vmlinuz", "vm2"}));
  EXPECT_EQ(missing.exitCode, 1);
  EXPECT_NE(missing.err.find("Could not start instance on node node1: Parameter 'kernel_path' "
                             "fails validation: not found or not a file (current value: "
                             "'/nonexistent/vmlinuz')"),
            std::string::npos)
      << missing.err;
  auto console = run("gnt-instance", {"console", "vm2"});
  EXPECT_EQ(console.exitCode, 1);
  EXPECT_NE(console.err.find("Instance vm2 is not running, can't get console"), std::string::npos)
      << console.err;
  const std::string beforeModify = configStoreState(cluster.dataDir("node1"));
  auto badModify = run("gnt-instance", {"modify", "-H", "kvm_flag=bogus", "vm2"});
  EXPECT_EQ(badModify.exitCode, 1);
  EXPECT_NE(badModify.err.find("Parameter 'kvm_flag' fails syntax check"), std::string::npos)
      << badModify.err;
  EXPECT_EQ(configStoreState(cluster.dataDir("node1")), beforeModify);
}

}  // namespace
}  // namespace gantry::test

namespace gantry::test {
namespace {
namespace fs = std::filesystem;
using plugins::kvm::testing::SerialReader;
using namespace std::chrono_literals;

std::string ipOutput(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"ip"};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto ran = runCommand(argv);
  return ran.succeeded() ? ran.out : "(ip failed)";
}

// Every line of `ip -o link show master <bridge>`: the taps on it.
std::vector<std::string> tapsOn(const std::string& bridge) {
  std::vector<std::string> taps;
  std::istringstream lines(ipOutput({"-o", "link", "show", "master", bridge}));
  for (std::string line; std::getline(lines, line);) {
    if (line.find(": gnt") != std::string::npos) taps.push_back(line);
  }
  return taps;
}

// A bridged NIC through the CLI: the whole virtual cluster runs in a
// network namespace of this test, with a bridge the test makes there. Both
// nodes share that namespace, so the instance moves by failover (a live
// migration would need the same tap name twice at once).
TEST(KvmClusterSlow, BridgedNicJoinsTheBridgeAndGoesWithTheInstance) {
  std::string why;
  if (!plugins::kvm::testing::tinyGuest(why)) GTEST_SKIP() << why;
  std::error_code ec;
  if (!fs::exists("/dev/net/tun", ec)) GTEST_SKIP() << "no /dev/net/tun on this machine";
  plugins::kvm::testing::PrivateNetwork net;
  if (!net.entered()) GTEST_SKIP() << net.why();
  ASSERT_NE(ipOutput({"link", "set", "lo", "up"}), "(ip failed)");
  ASSERT_NE(ipOutput({"link", "add", "gbr0", "type", "bridge"}), "(ip failed)");
  ASSERT_NE(ipOutput({"link", "set", "gbr0", "up"}), "(ip failed)");

  VirtualCluster cluster(2, {"--kvm"});
  ASSERT_TRUE(cluster.upResult().succeeded()) << cluster.upResult().out << cluster.upResult().err;
  auto gnt = [&](const std::vector<std::string>& args) {
    return cluster.exec("node1", "gnt-instance", args);
  };
  auto added = gnt({"add", "-t", "sharedfile", "-s", "256m", "--net", "0:mode=bridged,link=gbr0",
                    "-o", "gantry-image+default", "-n", "node1", "-H",
                    "kvm:kernel_args=ro gantry.name=vm1", "vm1"});
  ASSERT_TRUE(added.succeeded()) << added.out << added.err;
  auto taps = tapsOn("gbr0");
  ASSERT_EQ(taps.size(), 1u) << ipOutput({"-o", "link"});
  EXPECT_NE(taps[0].find(",UP"), std::string::npos) << taps[0];
  auto info = gnt({"info", "vm1"});
  EXPECT_NE(info.out.find("mode: bridged"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("link: gbr0"), std::string::npos) << info.out;

  {
    // A guest still booting ignores the power button the failover sends.
    SerialReader console(serialSocket(cluster, "node1", "vm1"), 10s);
    ASSERT_TRUE(console.waitForLine("GANTRY-GUEST-READY name=vm1", 60s).has_value() ||
                console.nextTick(5s).has_value())
        << console.transcript();
  }
  auto failedOver = gnt({"failover", "-f", "--shutdown-timeout", "30", "-n", "node2", "vm1"});
  ASSERT_TRUE(failedOver.succeeded()) << failedOver.out << failedOver.err;
  EXPECT_EQ(tapsOn("gbr0").size(), 1u) << "the tap moved with the instance";
  EXPECT_EQ(gnt({"list", "--no-headers", "-o", "pnode,status", "vm1"}).out, "node2 running\n");

  ASSERT_TRUE(gnt({"shutdown", "--timeout", "0", "vm1"}).succeeded());
  EXPECT_TRUE(tapsOn("gbr0").empty()) << "the tap is removed with qemu";

  // A bridge that does not exist: the start fails with a clear message,
  // no tap is left, and (as in Ganeti, which marks the instance up before
  // starting it) the instance is reported as down against its wish.
  auto modified = gnt({"modify", "--net", "0:modify,link=nosuchbr", "vm1"});
  ASSERT_TRUE(modified.succeeded()) << modified.err;
  auto refused = gnt({"startup", "vm1"});
  EXPECT_NE(refused.exitCode, 0);
  EXPECT_NE(refused.err.find("nosuchbr"), std::string::npos) << refused.err;
  EXPECT_EQ(gnt({"list", "--no-headers", "-o", "status", "vm1"}).out, "ERROR_down\n");
  EXPECT_EQ(ipOutput({"-o", "link", "show", "type", "tun"}), "");

  ASSERT_TRUE(gnt({"remove", "-f", "vm1"}).succeeded());
  EXPECT_EQ(ipOutput({"-o", "link", "show", "type", "tun"}), "");
}

}  // namespace
}  // namespace gantry::test
