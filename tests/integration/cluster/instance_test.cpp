// The first instance lifecycle on a 3-node virtual cluster, through the
// CLI only: add (file disks, the shipped OS), list, shutdown, startup,
// remove, and the refusals that must change nothing.
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "cluster/vcluster_support.h"

namespace gantry::test {
namespace {
namespace fs = std::filesystem;

std::string readFile(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class InstanceTest : public ::testing::Test {
 protected:
  sdk::ProcessResult gnt(const std::string& tool, const std::vector<std::string>& args) {
    return cluster_.exec("node1", tool, args);
  }
  // The whole config store (config.data and its journal), not a snapshot.
  std::string configText() { return configStoreState(cluster_.dataDir("node1")); }

  VirtualCluster cluster_{3};
};

TEST_F(InstanceTest, AddListStopStartRemove) {
  ASSERT_TRUE(cluster_.upResult().succeeded()) << cluster_.upResult().err;
  auto add = gnt("gnt-instance",
                 {"add", "-t", "file", "-s", "256m", "-o", "gantry-image+default", "-n", "node2",
                  "instance1"});
  ASSERT_TRUE(add.succeeded()) << add.out << add.err;
  const auto steps = withoutTimestamps(add.out);
  EXPECT_EQ(steps, (std::vector<std::string>{"* creating instance disks...",
                                              "adding instance instance1 to cluster config",
                                              "adding disks to cluster config",
                                              "* running the instance OS create scripts...",
                                              "* starting instance..."}))
      << add.out;
  auto list = gnt("gnt-instance", {"list"});
  ASSERT_TRUE(list.succeeded()) << list.err;
  EXPECT_EQ(list.out,
            "Instance  Hypervisor OS                   Primary_node Status  Memory\n"
            "instance1 fake       gantry-image+default node2        running   128M\n");
  // The OS wrote its image onto the disk in node2's file storage.
  const fs::path disk = onlyFileIn(cluster_.root("node2") / "srv/gantry/file-storage/instance1");
  ASSERT_TRUE(fs::exists(disk));
  EXPECT_EQ(fs::file_size(disk), 256u << 20);
  auto nodes = gnt("gnt-node", {"list", "--no-headers", "-o", "name,pinst_cnt"});
  EXPECT_EQ(nodes.out, "node1 0\nnode2 1\nnode3 0\n");

  auto console = gnt("gnt-instance", {"console", "instance1"});
  EXPECT_TRUE(console.succeeded()) << console.err;
  EXPECT_EQ(console.out, "Console not available for fake hypervisor\n");

  // Soft and hard reboots happen in place (the fake guest counts its boots);
  // a full one is a stop and a start.
  const fs::path boots = cluster_.root("node2") / "var/run/gantry/fake-hypervisor-extra/instance1";
  ASSERT_TRUE(gnt("gnt-instance", {"reboot", "-t", "soft", "instance1"}).succeeded());
  EXPECT_NE(readFile(boots).find("boots=2"), std::string::npos) << readFile(boots);
  ASSERT_TRUE(gnt("gnt-instance", {"reboot", "instance1"}).succeeded());
  EXPECT_NE(readFile(boots).find("boots=3"), std::string::npos) << readFile(boots);
  ASSERT_TRUE(gnt("gnt-instance", {"reboot", "-t", "full", "instance1"}).succeeded());
  list = gnt("gnt-instance", {"list", "--no-headers", "-o", "status"});
  EXPECT_EQ(list.out, "running\n");

  ASSERT_TRUE(gnt("gnt-instance", {"shutdown", "instance1"}).succeeded());
  console = gnt("gnt-instance", {"console", "instance1"});
  EXPECT_EQ(console.exitCode, 1);
  EXPECT_EQ(console.err,
            "Failure: command execution error:\nInstance instance1 is not running, can't get "
            "console\n");
  list = gnt("gnt-instance", {"list", "--no-headers", "-o", "name,status,oper_ram,admin_state"});
  EXPECT_EQ(list.out, "instance1 ADMIN_down - down\n");
  ASSERT_TRUE(gnt("gnt-instance", {"startup", "instance1"}).succeeded());
  list = gnt("gnt-instance", {"list", "--no-headers", "-o", "status"});
  EXPECT_EQ(list.out, "running\n");

  // Removal asks first (on the terminal); without one the answer is no.
  auto declined = gnt("gnt-instance", {"remove", "instance1"});
  EXPECT_EQ(declined.exitCode, 1);
  EXPECT_TRUE(fs::exists(disk));
  auto removed = gnt("gnt-instance", {"remove", "-f", "instance1"});
  ASSERT_TRUE(removed.succeeded()) << removed.err;
  EXPECT_FALSE(fs::exists(disk));
  list = gnt("gnt-instance", {"list", "--no-headers"});
  EXPECT_EQ(list.out, "");
  EXPECT_EQ(currentConfigText(cluster_.dataDir("node1")).find("instance1"), std::string::npos);
}

TEST_F(InstanceTest, FailoverOfASharedInstanceAndAfterANodeCrash) {
  ASSERT_TRUE(cluster_.upResult().succeeded()) << cluster_.upResult().err;
  ASSERT_TRUE(gnt("gnt-instance", {"add", "-t", "sharedfile", "-s", "128m", "-o",
                                   "gantry-image+default", "-n", "node2", "shared1"})
                  .succeeded());
  ASSERT_TRUE(gnt("gnt-instance", {"add", "-t", "file", "-s", "128m", "-o",
                                   "gantry-image+default", "-n", "node2", "local1"})
                  .succeeded());

  auto moved = gnt("gnt-instance", {"failover", "-f", "-n", "node3", "shared1"});
  ASSERT_TRUE(moved.succeeded()) << moved.out << moved.err;
  EXPECT_EQ(withoutTimestamps(moved.out),
            (std::vector<std::string>{"* shutting down instance on source node",
                                      "* activating the instance's disks on target node node3",
                                      "* starting the instance on the target node node3"}));
  auto list = gnt("gnt-instance", {"list", "--no-headers", "-o", "name,pnode,status"});
  EXPECT_EQ(list.out, "local1  node2 running\nshared1 node3 running\n");

  auto local = gnt("gnt-instance", {"failover", "-f", "-n", "node3", "local1"});
  EXPECT_EQ(local.exitCode, 1);
  EXPECT_NE(local.err.find("Instance's disk layout 'file' does not allow failovers"),
            std::string::npos)
      << local.err;

  // node3 crashes and is marked offline: the instance comes back on node1.
  ASSERT_TRUE(cluster_.stopNode("node3").succeeded());
  ASSERT_TRUE(gnt("gnt-node", {"modify", "-O", "yes", "-f", "node3"}).succeeded());
  list = gnt("gnt-instance", {"list", "--no-headers", "-o", "name,status"});
  EXPECT_EQ(list.out, "local1  running\nshared1 ERROR_nodeoffline\n");
  // --ignore-consistency asks on the terminal even with -f; the job is
  // what the operator's "yes" submits.
  const fs::path job = cluster_.dir() / "failover.json";
  std::ofstream(job) << R"([{"OP_ID": "OP_INSTANCE_FAILOVER", "instance_name": "shared1",
                             "target_node": "node1", "ignore_consistency": true}])";
  auto rescued = gnt("gnt-debug", {"submit-job", job.string()});
  ASSERT_TRUE(rescued.succeeded()) << rescued.out << rescued.err;
  EXPECT_NE(rescued.out.find("WARNING: Could not shutdown instance shared1 on node node3, "
                             "proceeding anyway; please make sure node node3 is down"),
            std::string::npos)
      << rescued.out;
  list = gnt("gnt-instance", {"list", "--no-headers", "-o", "name,pnode,status"});
  EXPECT_EQ(list.out, "local1  node2 running\nshared1 node1 running\n");
}

TEST_F(InstanceTest, LiveMigrationAndAFailedTransferThatLeavesItRunning) {
  ASSERT_TRUE(cluster_.upResult().succeeded()) << cluster_.upResult().err;
  ASSERT_TRUE(gnt("gnt-instance", {"add", "-t", "sharedfile", "-s", "64m", "-o",
                                   "gantry-image+default", "-n", "node2", "mover"})
                  .succeeded());
  auto migrated = gnt("gnt-instance", {"migrate", "-f", "-n", "node3", "mover"});
  ASSERT_TRUE(migrated.succeeded()) << migrated.out << migrated.err;
  EXPECT_EQ(withoutTimestamps(migrated.out),
            (std::vector<std::string>{"Migrating instance mover",
                                      "* checking disk consistency between source and target",
                                      "* preparing node3 to accept the instance",
                                      "* migrating instance to node3",
                                      "* starting memory transfer",
                                      "* memory transfer complete", "* done"}));
  auto list = gnt("gnt-instance", {"list", "--no-headers", "-o", "name,pnode,status"});
  EXPECT_EQ(list.out, "mover node3 running\n");

  // node3's hypervisor now fails every transfer: the instance stays where it is.
  ASSERT_TRUE(cluster_.stopNode("node3").succeeded());
  ASSERT_TRUE(cluster_.startNode("node3", {"--setting", "fake.migration=fail"}).succeeded());
  auto failed = gnt("gnt-instance", {"migrate", "-f", "-n", "node1", "mover"});
  EXPECT_EQ(failed.exitCode, 1);
  EXPECT_NE(failed.err.find("Could not migrate instance mover: "), std::string::npos)
      << failed.out << failed.err;
  list = gnt("gnt-instance", {"list", "--no-headers", "-o", "name,pnode,status"});
  EXPECT_EQ(list.out, "mover node3 running\n");

  ASSERT_TRUE(gnt("gnt-instance", {"shutdown", "mover"}).succeeded());
  auto stopped = gnt("gnt-instance", {"migrate", "-f", "-n", "node1", "mover"});
  EXPECT_EQ(stopped.exitCode, 1);
  EXPECT_NE(stopped.err.find("Can't migrate, please use failover: Instance mover is not running"),
            std::string::npos)
      << stopped.err;
  auto fallback = gnt("gnt-instance", {"migrate", "-f", "--allow-failover", "-n", "node1", "mover"});
  ASSERT_TRUE(fallback.succeeded()) << fallback.err;
  list = gnt("gnt-instance", {"list", "--no-headers", "-o", "name,pnode,status"});
  EXPECT_EQ(list.out, "mover node1 ADMIN_down\n");
}

// The shipped OS with a create script that takes its time, so that the
// master can be killed while the job runs it.
void installSlowOs(const VirtualCluster& cluster, const std::string& node) {
  const fs::path target = cluster.root(node) / "srv/gantry/os/slowos";
  fs::create_directories(target.parent_path());
  fs::copy(fs::path(GANTRY_BINARY_DIR) / "share/gantry/os/gantry-image", target,
           fs::copy_options::recursive);
  fs::remove(target / "variants.list");
  std::ofstream(target / "create", std::ios::trunc) << "#!/bin/sh\nsleep 30\n";
  fs::permissions(target / "create", fs::perms::owner_all);
}

bool waitFor(const std::function<bool()>& condition, std::chrono::seconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return condition();
}

TEST_F(InstanceTest, MasterKilledDuringCreationUndoesItOnRestart) {
  ASSERT_TRUE(cluster_.upResult().succeeded()) << cluster_.upResult().err;
  installSlowOs(cluster_, "node2");
  auto submitted = gnt("gnt-instance", {"add", "--submit", "-t", "file", "-s", "64m", "-o",
                                        "slowos", "-n", "node2", "crashy"});
  ASSERT_TRUE(submitted.succeeded()) << submitted.err;
  const fs::path diskDir = cluster_.root("node2") / "srv/gantry/file-storage/crashy";
  // Killed once the disk exists and the OS script runs: not after a sleep.
  ASSERT_TRUE(waitFor([&] { return !onlyFileIn(diskDir).empty(); }, std::chrono::seconds(30)));
  const fs::path disk = onlyFileIn(diskDir);
  ASSERT_TRUE(waitFor(
      [&] {
        return gnt("gnt-job", {"list", "--no-headers", "-o", "status"}).out.find("running") !=
               std::string::npos;
      },
      std::chrono::seconds(30)));
  const fs::path pidFile = cluster_.root("node1") / "var/run/gantry/gantry-masterd.pid";
  const pid_t pid = static_cast<pid_t>(std::stol(readFile(pidFile)));
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  ASSERT_TRUE(waitFor([&] { return ::kill(pid, 0) != 0 || readFile("/proc/" + std::to_string(pid) + "/status").find("State:\tZ") != std::string::npos; },
                      std::chrono::seconds(10)));

  // The master starts again (in the background, as the operator would).
  const std::string start = "setsid " + std::string(GANTRY_BINARY_DIR) +
                            "/bin/gantry-masterd --root " + cluster_.root("node1").string() +
                            " </dev/null >/dev/null 2>&1 &";
  ASSERT_EQ(std::system(start.c_str()), 0);
  ASSERT_TRUE(waitFor([&] { return gnt("gnt-job", {"list"}).succeeded(); },
                      std::chrono::seconds(30)));
  std::ofstream(cluster_.dir() / "vcluster.pids", std::ios::app)
      << readFile(pidFile).substr(0, readFile(pidFile).find('\n')) << " masterd:node1\n";

  auto jobs = gnt("gnt-job", {"list", "--no-headers", "-o", "summary,status"});
  EXPECT_NE(jobs.out.find("INSTANCE_CREATE(crashy) error"), std::string::npos) << jobs.out;
  EXPECT_FALSE(fs::exists(disk));
  EXPECT_EQ(currentConfigText(cluster_.dataDir("node1")).find("crashy"), std::string::npos);
  auto again = gnt("gnt-instance", {"add", "-t", "file", "-s", "64m", "-o",
                                    "gantry-image+default", "-n", "node2", "crashy"});
  EXPECT_TRUE(again.succeeded()) << again.out << again.err;
}

TEST_F(InstanceTest, VerifyFindsInstancesDownOrOnTheWrongNode) {
  ASSERT_TRUE(cluster_.upResult().succeeded()) << cluster_.upResult().err;
  for (const auto& [name, layout] : {std::pair{"local1", "file"}, std::pair{"shared1", "sharedfile"}}) {
    ASSERT_TRUE(gnt("gnt-instance", {"add", "-t", layout, "-s", "64m", "-o",
                                     "gantry-image+default", "-n", "node2", name})
                    .succeeded());
  }
  auto clean = gnt("gnt-cluster", {"verify"});
  EXPECT_EQ(clean.exitCode, 0) << clean.out;
  EXPECT_NE(clean.out.find("  - NOTICE: 1 non-redundant instance(s) found."), std::string::npos)
      << clean.out;

  // shared1's (fake) guest now runs on node3 instead of node2.
  const fs::path records = "var/run/gantry/fake-hypervisor";
  fs::create_directories(cluster_.root("node3") / records);
  fs::rename(cluster_.root("node2") / records / "shared1",
             cluster_.root("node3") / records / "shared1");
  auto found = gnt("gnt-cluster", {"verify", "--error-codes"});
  EXPECT_EQ(found.exitCode, 1) << found.out;
  const auto lines = withoutTimestamps(found.out);
  auto at = [&](const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) - lines.begin();
  };
  const auto wrongNode = at("  - ERROR:EINSTANCEWRONGNODE:instance:shared1:instance should not run "
                            "on node node3");
  const auto down = at("  - ERROR:EINSTANCEDOWN:instance:shared1:instance not running on its "
                       "primary node node2");
  ASSERT_LT(wrongNode, static_cast<long>(lines.size())) << found.out;
  ASSERT_LT(down, static_cast<long>(lines.size())) << found.out;
  // Each under its own header, as Ganeti 3.x prints them.
  EXPECT_LT(at("* Verifying node status"), wrongNode);
  EXPECT_LT(wrongNode, at("* Verifying instance status"));
  EXPECT_LT(at("* Verifying instance status"), down);
  auto list = gnt("gnt-instance", {"list", "--no-headers", "-o", "name,status"});
  EXPECT_EQ(list.out, "local1  running\nshared1 ERROR_wrongnode\n");
}

TEST_F(InstanceTest, TagsOfInstancesNodesAndTheCluster) {
  ASSERT_TRUE(cluster_.upResult().succeeded()) << cluster_.upResult().err;
  ASSERT_TRUE(gnt("gnt-instance", {"add", "-t", "diskless", "--no-install", "--no-start", "-n",
                                   "node2", "tagged"})
                  .succeeded());
  ASSERT_TRUE(gnt("gnt-instance", {"add-tags", "tagged", "web", "db"}).succeeded());
  ASSERT_TRUE(gnt("gnt-node", {"add-tags", "node2", "rack:1"}).succeeded());
  ASSERT_TRUE(gnt("gnt-cluster", {"add-tags", "site/a"}).succeeded());
  EXPECT_EQ(gnt("gnt-instance", {"list-tags", "tagged"}).out, "db\nweb\n");
  EXPECT_EQ(gnt("gnt-node", {"list-tags", "node2"}).out, "rack:1\n");
  EXPECT_EQ(gnt("gnt-cluster", {"list-tags"}).out, "site/a\n");
  EXPECT_EQ(gnt("gnt-instance", {"list", "--no-headers", "-o", "tags"}).out, "db,web\n");
  // search-tags (OP_TAGS_SEARCH): Ganeti's paths, sorted; exit 1 without
  // a match; a pattern that is no regular expression is refused.
  auto found = gnt("gnt-cluster", {"search-tags", "^(web|rack|site)"});
  EXPECT_EQ(found.out, "/cluster site/a\n/instances/tagged web\n/nodes/node2 rack:1\n")
      << found.err;
  EXPECT_EQ(gnt("gnt-cluster", {"search-tags", "(?i)^RACK"}).out, "/nodes/node2 rack:1\n");
  EXPECT_EQ(gnt("gnt-cluster", {"search-tags", "^nomatch$"}).exitCode, 1);
  auto badPattern = gnt("gnt-cluster", {"search-tags", "("});
  EXPECT_EQ(badPattern.exitCode, 1);
  EXPECT_NE(badPattern.err.find("Invalid search pattern '('"), std::string::npos)
      << badPattern.err;

  const std::string before = configText();
  auto missing = gnt("gnt-instance", {"remove-tags", "tagged", "web", "nosuch"});
  EXPECT_EQ(missing.exitCode, 1);
  EXPECT_NE(missing.err.find("Tag(s) 'nosuch' not found"), std::string::npos) << missing.err;
  auto invalid = gnt("gnt-instance", {"add-tags", "tagged", "bad tag"});
  EXPECT_EQ(invalid.exitCode, 1);
  EXPECT_EQ(invalid.err, "Failure: invalid tag(s) given:\nTag contains invalid characters\n");
  EXPECT_EQ(configText(), before);

  ASSERT_TRUE(gnt("gnt-instance", {"remove-tags", "tagged", "web"}).succeeded());
  EXPECT_EQ(gnt("gnt-instance", {"list-tags", "tagged"}).out, "db\n");
}

TEST_F(InstanceTest, RefusalsChangeNothing) {
  ASSERT_TRUE(cluster_.upResult().succeeded()) << cluster_.upResult().err;
  ASSERT_TRUE(gnt("gnt-instance", {"add", "-t", "file", "-s", "128m", "-o",
                                   "gantry-image+default", "-n", "node2", "--no-start", "taken"})
                  .succeeded());
  const std::string before = configText();
  struct Case {
    std::vector<std::string> args;
    std::string error;
  };
  const std::vector<Case> cases = {
      {{"-o", "nosuch", "-n", "node2", "instance2"},
       "OS 'nosuch' not in supported OS list for node node2"},
      {{"-o", "gantry-image+default", "-n", "node2", "taken"},
       "Instance 'taken' is already in the cluster"},
      {{"-t", "plain", "-o", "gantry-image+default", "-n", "node2", "instance2"},
       "Cannot create an instance with disk template 'plain', because it is not enabled in the "
       "cluster. Enabled disk templates are: file,sharedfile,diskless."},
      {{"-o", "gantry-image+default", "-n", "node2", "-B", "memory=64g", "instance2"},
       "Not enough memory on node node2 for creating instance instance2: needed 65536 MiB, "
       "available "},
      {{"-o", "gantry-image+default", "instance2"}, "No iallocator or node given"},
      {{"-o", "gantry-image+default", "-n", "node9", "instance2"}, "Node name node9 not found"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"add"};
    if (std::find(c.args.begin(), c.args.end(), "-t") == c.args.end()) {
      args.insert(args.end(), {"-t", "file"});
    }
    args.insert(args.end(), {"-s", "128m"});
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto result = gnt("gnt-instance", args);
    EXPECT_EQ(result.exitCode, 1) << c.error;
    EXPECT_NE(result.err.find(c.error), std::string::npos) << result.err;
  }
  EXPECT_EQ(configText(), before);
  auto unknown = gnt("gnt-instance", {"startup", "nosuch"});
  EXPECT_EQ(unknown.exitCode, 1);
  EXPECT_NE(unknown.err.find("Instance name nosuch not found"), std::string::npos) << unknown.err;
  // node3 offline: an instance may not be placed there.
  ASSERT_TRUE(cluster_.stopNode("node3").succeeded());
  ASSERT_TRUE(gnt("gnt-node", {"modify", "-O", "yes", "-f", "node3"}).succeeded());
  auto offline = gnt("gnt-instance", {"add", "-t", "file", "-s", "128m", "-o",
                                      "gantry-image+default", "-n", "node3", "instance2"});
  EXPECT_EQ(offline.exitCode, 1);
  EXPECT_NE(offline.err.find("Can't use offline node: node3"), std::string::npos) << offline.err;

  // A file instance has its disk on one node: it cannot migrate.
  const std::string beforeMoves = configText();
  auto fileMigrate = gnt("gnt-instance", {"migrate", "-f", "-n", "node1", "taken"});
  EXPECT_EQ(fileMigrate.exitCode, 1);
  EXPECT_NE(fileMigrate.err.find("Instance's disk layout 'file' does not allow migrations"),
            std::string::npos)
      << fileMigrate.err;
  EXPECT_EQ(configText(), beforeMoves);
  ASSERT_TRUE(gnt("gnt-instance", {"add", "-t", "sharedfile", "-s", "128m", "-o",
                                   "gantry-image+default", "-n", "node1", "shared1"})
                  .succeeded());
  const std::string beforeFailover = configText();
  for (const char* verb : {"failover", "migrate"}) {
    auto toOffline = gnt("gnt-instance", {verb, "-f", "-n", "node3", "shared1"});
    EXPECT_EQ(toOffline.exitCode, 1) << verb;
    EXPECT_NE(toOffline.err.find("Can't use offline node: node3"), std::string::npos)
        << toOffline.err;
  }
  EXPECT_EQ(configText(), beforeFailover);
  EXPECT_EQ(gnt("gnt-instance", {"list", "--no-headers", "-o", "pnode,status", "shared1"}).out,
            "node1 running\n");
}

}  // namespace
}  // namespace gantry::test
