// gnt-cluster master-failover on a virtual cluster: jobs and secrets
// replicated to the candidates, voting, the new master serving every job
// of the old one, and the old master refusing the role afterwards.
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cluster/vcluster_support.h"
#include "core/util/process.h"

namespace gantry::test {
namespace {
namespace fs = std::filesystem;

std::string readText(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

fs::path masterPidFile(const VirtualCluster& cluster, const std::string& node) {
  return cluster.root(node) / "var/run/gantry/gantry-masterd.pid";
}

// The master daemon's pid from its pid file, 0 if none.
pid_t masterPid(const VirtualCluster& cluster, const std::string& node) {
  std::ifstream in(masterPidFile(cluster, node));
  long pid = 0;
  in >> pid;
  return static_cast<pid_t>(pid);
}

// `down` stops what vcluster.pids lists: a master started here is added.
void recordDaemon(const VirtualCluster& cluster, pid_t pid, const std::string& role) {
  std::ofstream(cluster.dir() / "vcluster.pids", std::ios::app) << pid << " " << role << "\n";
}

// SIGTERM to a master daemon of this cluster, then waits for it to end
// (it sends its last job writes to the candidates before it exits).
bool stopMaster(const VirtualCluster& cluster, const std::string& node) {
  const pid_t pid = masterPid(cluster, node);
  if (pid <= 1) return false;
  const std::string cmdline = readText("/proc/" + std::to_string(pid) + "/cmdline");
  if (cmdline.find("gantry-masterd") == std::string::npos) return false;
  if (::kill(pid, SIGTERM) != 0) return false;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < end) {
    const std::string status = readText("/proc/" + std::to_string(pid) + "/status");
    if (status.empty() || status.find("State:\tZ") != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

sdk::ProcessResult runMasterd(const VirtualCluster& cluster, const std::string& node) {
  sdk::ProcessRequest request;
  request.argv = {std::string(GANTRY_BINARY_DIR) + "/bin/gantry-masterd", "--root",
                  cluster.root(node).string()};
  request.timeout = std::chrono::seconds(30);
  auto result = core::util::runProcess(request);
  return result.ok() ? *result : sdk::ProcessResult{};
}

TEST(MasterFailoverTest, CandidateTakesOverWithEveryJob) {
  VirtualCluster cluster(3);
  ASSERT_TRUE(cluster.upResult().succeeded())
      << cluster.upResult().out << cluster.upResult().err;

  // The secrets a master needs are on the candidates, owner-only.
  for (const char* file : {"cluster-curve.key", "node-keys/node1.json", "node-keys/node3.json"}) {
    struct stat st{};
    ASSERT_EQ(::stat((cluster.dataDir("node2") / file).c_str(), &st), 0) << file;
    EXPECT_EQ(st.st_mode & 07777, 0600u) << file;
  }

  for (int i = 0; i < 3; ++i) {
    auto delay = cluster.exec("node1", "gnt-debug", {"delay", "0"});
    ASSERT_TRUE(delay.succeeded()) << delay.err;
  }
  auto modify = cluster.exec("node1", "gnt-cluster", {"modify", "-C", "7"});
  ASSERT_TRUE(modify.succeeded()) << modify.err;
  auto archived = cluster.exec("node1", "gnt-job", {"archive", "3"});
  ASSERT_TRUE(archived.succeeded()) << archived.err;
  auto jobsOnNode1 = cluster.exec("node1", "gnt-job", {"list"});
  ASSERT_TRUE(jobsOnNode1.succeeded()) << jobsOnNode1.err;
  // Two node adds, three delays (one archived), the modify.
  EXPECT_EQ(std::count(jobsOnNode1.out.begin(), jobsOnNode1.out.end(), '\n'), 6)
      << jobsOnNode1.out;

  ASSERT_TRUE(stopMaster(cluster, "node1"));
  auto failover = cluster.exec("node2", "gnt-cluster", {"master-failover"});
  ASSERT_TRUE(failover.succeeded()) << failover.out << failover.err;
  const pid_t newMaster = masterPid(cluster, "node2");
  ASSERT_GT(newMaster, 1);
  recordDaemon(cluster, newMaster, "masterd:node2");

  for (const std::string node : {"node1", "node2", "node3"}) {
    EXPECT_EQ(readText(cluster.dataDir(node) / "ssconf_master_node"), "node2\n") << node;
  }
  // The archive move went to the candidates too.
  EXPECT_TRUE(fs::exists(cluster.dataDir("node3") / "queue/archive/0/job-3"));
  EXPECT_FALSE(fs::exists(cluster.dataDir("node3") / "queue/job-3"));
  EXPECT_EQ(readText(cluster.dataDir("node3") / "queue/serial"),
            readText(cluster.dataDir("node1") / "queue/serial"));
  auto jobsOnNode2 = cluster.exec("node2", "gnt-job", {"list"});
  ASSERT_TRUE(jobsOnNode2.succeeded()) << jobsOnNode2.err;
  EXPECT_EQ(jobsOnNode2.out, jobsOnNode1.out);
  auto info = cluster.exec("node2", "gnt-cluster", {"info"});
  ASSERT_TRUE(info.succeeded()) << info.err;
  EXPECT_NE(info.out.find("\nMaster node: node2\n"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("\n  candidate pool size: 7\n"), std::string::npos) << info.out;
  // The new master calls the nodes with the keys it was given.
  auto list = cluster.exec("node2", "gnt-node", {"list", "-o", "name,mtotal"});
  ASSERT_TRUE(list.succeeded()) << list.err;
  const auto lines = withoutTimestamps(list.out);
  ASSERT_EQ(lines.size(), 4u) << list.out;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    EXPECT_NE(lines[i].find("32.0G"), std::string::npos) << list.out;
  }

  // The former master refuses the role and sends the user to node2.
  auto restarted = runMasterd(cluster, "node1");
  EXPECT_EQ(restarted.exitCode, 11);
  EXPECT_EQ(restarted.err, "Not master, exiting.\n");
  auto onOld = cluster.exec("node1", "gnt-job", {"list"});
  EXPECT_EQ(onOld.exitCode, 1);
  EXPECT_EQ(onOld.err,
            "Failure: prerequisites not met for this operation:\nerror type: wrong_input, "
            "error details:\nThis is not the master node, please connect to node 'node2' "
            "and rerun the command\n");

  auto onMaster = cluster.exec("node2", "gnt-cluster", {"master-failover"});
  EXPECT_EQ(onMaster.exitCode, 1);
  EXPECT_NE(onMaster.err.find("This commands must be run on the node where you want the new "
                              "master to be. node2 is already the master"),
            std::string::npos)
      << onMaster.err;

  // Two of three node daemons gone: no voting majority.
  ASSERT_TRUE(cluster.stopNode("node1").succeeded());
  ASSERT_TRUE(cluster.stopNode("node3").succeeded());
  auto refused = cluster.exec("node3", "gnt-cluster", {"master-failover"});
  EXPECT_EQ(refused.exitCode, 1);
  EXPECT_EQ(refused.err,
            "Master-failover with voting is only possible if the majority of nodes are still "
            "healthy; use the --no-voting option after ensuring by other means that you won't "
            "end up in a dual-master scenario. Unhealthy nodes: ['node1', 'node3']\n");
  // --no-voting asks first; without a terminal the answer is no.
  auto unconfirmed = cluster.exec("node3", "gnt-cluster", {"master-failover", "--no-voting"});
  EXPECT_EQ(unconfirmed.exitCode, 1);
  EXPECT_EQ(readText(cluster.dataDir("node3") / "ssconf_master_node"), "node2\n");
  EXPECT_EQ(masterPid(cluster, "node3"), 0);

  // Jobs go on while candidates are down; each is skipped with a log line.
  auto late = cluster.exec("node2", "gnt-debug", {"delay", "0"});
  ASSERT_TRUE(late.succeeded()) << late.err;
  const fs::path log = cluster.root("node2") / "var/log/gantry/master-daemon.log";
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  bool logged = false;
  while (!logged && std::chrono::steady_clock::now() < end) {
    logged = readText(log).find("Job queue replication to node3 skipped") != std::string::npos;
    if (!logged) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(logged) << readText(log);
}

// The live job files of a node's queue copy, name -> content.
std::map<std::string, std::string> liveJobFiles(const VirtualCluster& cluster,
                                                const std::string& node) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::directory_iterator(cluster.dataDir(node) / "queue")) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("job-", 0) == 0 && name.find('.') == std::string::npos) {
      files[name] = readText(entry.path());
    }
  }
  return files;
}

TEST(MasterFailoverTest, NodePromotedLaterGetsTheWholeQueueAndCanTakeOver) {
  VirtualCluster cluster(3);
  ASSERT_TRUE(cluster.upResult().succeeded())
      << cluster.upResult().out << cluster.upResult().err;
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"gnt-cluster", "modify", "-C", "2"}, {"gnt-node", "modify", "-C", "no", "node3"}}) {
    auto result = cluster.exec("node1", args[0], {args.begin() + 1, args.end()});
    ASSERT_TRUE(result.succeeded()) << result.out << result.err;
  }
  // Jobs node3 never hears of while it is not a candidate.
  for (int i = 0; i < 3; ++i) {
    auto delay = cluster.exec("node1", "gnt-debug", {"delay", "0"});
    ASSERT_TRUE(delay.succeeded()) << delay.err;
  }
  const auto early = liveJobFiles(cluster, "node3");
  EXPECT_LT(early.size(), liveJobFiles(cluster, "node1").size());

  auto promote = cluster.exec("node1", "gnt-node", {"modify", "-C", "yes", "node3"});
  ASSERT_TRUE(promote.succeeded()) << promote.out << promote.err;
  auto jobsOnNode1 = cluster.exec("node1", "gnt-job", {"list"});
  ASSERT_TRUE(jobsOnNode1.succeeded()) << jobsOnNode1.err;
  // Copied in the background: wait (bounded) until node3 has every job.
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (liveJobFiles(cluster, "node3") != liveJobFiles(cluster, "node1") &&
         std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(liveJobFiles(cluster, "node3"), liveJobFiles(cluster, "node1"));
  EXPECT_EQ(readText(cluster.dataDir("node3") / "queue/serial"),
            readText(cluster.dataDir("node1") / "queue/serial"));

  ASSERT_TRUE(stopMaster(cluster, "node1"));
  auto failover = cluster.exec("node3", "gnt-cluster", {"master-failover"});
  ASSERT_TRUE(failover.succeeded()) << failover.out << failover.err;
  const pid_t newMaster = masterPid(cluster, "node3");
  ASSERT_GT(newMaster, 1);
  recordDaemon(cluster, newMaster, "masterd:node3");
  auto jobsOnNode3 = cluster.exec("node3", "gnt-job", {"list"});
  ASSERT_TRUE(jobsOnNode3.succeeded()) << jobsOnNode3.err;
  EXPECT_EQ(jobsOnNode3.out, jobsOnNode1.out);
}

// Slow: the master's calls to the stopped node time out.
TEST(MasterFailoverSlowTest, CandidateWithAnOlderConfigMayNotTakeOver) {
  VirtualCluster cluster(3);
  ASSERT_TRUE(cluster.upResult().succeeded())
      << cluster.upResult().out << cluster.upResult().err;
  // node3 misses a config change.
  ASSERT_TRUE(cluster.stopNode("node3").succeeded());
  auto missed = cluster.exec("node1", "gnt-cluster", {"modify", "-C", "6"});
  ASSERT_TRUE(missed.succeeded()) << missed.err;
  ASSERT_TRUE(cluster.startNode("node3").succeeded());
  ASSERT_TRUE(stopMaster(cluster, "node1"));
  auto stale = cluster.exec("node3", "gnt-cluster", {"master-failover"});
  EXPECT_EQ(stale.exitCode, 1);
  EXPECT_NE(stale.err.find(" has a newer configuration (serial "), std::string::npos)
      << stale.err;
  EXPECT_EQ(readText(cluster.dataDir("node3") / "ssconf_master_node"), "node1\n");
  // node2 has it and takes over.
  auto failover = cluster.exec("node2", "gnt-cluster", {"master-failover"});
  ASSERT_TRUE(failover.succeeded()) << failover.err;
  recordDaemon(cluster, masterPid(cluster, "node2"), "masterd:node2");
  EXPECT_EQ(readText(cluster.dataDir("node3") / "ssconf_master_node"), "node2\n");
}

}  // namespace
}  // namespace gantry::test
