// The walkthrough's cluster on a virtual cluster: gnt-cluster init, node
// adds, gnt-node list byte for byte, a node failure marked offline and the
// node readded; acceptance of node daemons; cluster info, modify, destroy.
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <thread>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cluster/vcluster_support.h"
#include "node/noded_support.h"
#include "core/rpc/keys.h"

namespace gantry::test {
namespace {
namespace fs = std::filesystem;

std::string readFile(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

mode_t fileMode(const fs::path& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

int countLines(const std::vector<std::string>& lines, const std::string& wanted) {
  return static_cast<int>(std::count(lines.begin(), lines.end(), wanted));
}

const char kListHeader[] = "Node  DTotal DFree MTotal MNode MFree Pinst Sinst\n";
const char kHealthyRow1[] = "node1   1.3T  1.3T  32.0G  1.0G 30.5G     0     0\n";
const char kHealthyRow2[] = "node2   1.3T  1.3T  32.0G  1.0G 30.5G     0     0\n";
const char kHealthyRow3[] = "node3   1.3T  1.3T  32.0G  1.0G 30.5G     0     0\n";
const char kOfflineRow3[] = "node3      ?     ?      ?     ?     ?     0     0\n";

TEST(VirtualClusterTest, WalkthroughNodeFailureAndReadd) {
  VirtualCluster cluster(3);
  ASSERT_TRUE(cluster.upResult().succeeded())
      << cluster.upResult().out << cluster.upResult().err;
  // Two adds, each promoting its node while the pool (10) has room.
  EXPECT_EQ(countLines(withoutTimestamps(cluster.upResult().out),
                       " - INFO: Node will be a master candidate"),
            2)
      << cluster.upResult().out;

  auto list = cluster.exec("node1", "gnt-node", {"list"});
  ASSERT_TRUE(list.succeeded()) << list.err;
  EXPECT_EQ(list.out,
            std::string(kListHeader) + kHealthyRow1 + kHealthyRow2 + kHealthyRow3);

  // Secrets are readable by their owner only, on the master and on nodes.
  for (const std::string node : {"node1", "node3"}) {
    for (const char* file : {"hmac.key", "cluster-domain-secret", "cluster-curve.pub",
                             "node-curve.key", "node-curve.pub"}) {
      EXPECT_EQ(fileMode(cluster.dataDir(node) / file), 0600u) << node << " " << file;
    }
  }
  EXPECT_EQ(fileMode(cluster.dataDir("node1") / "cluster-curve.key"), 0600u);
  EXPECT_EQ(fileMode(cluster.dataDir("node1") / "node-keys/node3.json"), 0600u);
  // Candidates got the config, every node the ssconf files.
  EXPECT_TRUE(fs::exists(cluster.dataDir("node3") / "config.data"));
  EXPECT_EQ(readFile(cluster.dataDir("node3") / "ssconf_master_node"), "node1\n");
  EXPECT_EQ(readFile(cluster.dataDir("node2") / "ssconf_node_list"), "node1\nnode2\nnode3\n");

  // node3 dies; the operator marks it offline.
  ASSERT_TRUE(cluster.stopNode("node3").succeeded());
  auto offline = cluster.exec("node1", "gnt-node", {"modify", "-O", "yes", "-f", "node3"});
  ASSERT_TRUE(offline.succeeded()) << offline.out << offline.err;
  const auto lines = withoutTimestamps(offline.out);
  ASSERT_EQ(lines.size(), 5u) << offline.out;
  EXPECT_EQ(lines[0],
            " - WARNING: Not enough master candidates (desired 10, new value will be 2)");
  EXPECT_EQ(lines[1].rfind(" - WARNING: Communication failure to node node3: ", 0), 0u)
      << lines[1];
  EXPECT_EQ(lines[2], "Modified node node3");
  EXPECT_EQ(lines[3], " - offline -> True");
  EXPECT_EQ(lines[4], " - master_candidate -> auto-demotion due to offline");

  list = cluster.exec("node1", "gnt-node", {"list"});
  EXPECT_EQ(list.out,
            std::string(kListHeader) + kHealthyRow1 + kHealthyRow2 + kOfflineRow3);
  EXPECT_EQ(readFile(cluster.dataDir("node1") / "ssconf_offline_nodes"), "node3\n");
  EXPECT_EQ(readFile(cluster.dataDir("node2") / "ssconf_master_candidates"), "node1\nnode2\n");

  // Repaired: readding resets the flags and takes it back into the pool.
  ASSERT_TRUE(cluster.startNode("node3").succeeded());
  auto readd = cluster.exec("node1", "gnt-node", {"add", "--readd", "node3"});
  ASSERT_TRUE(readd.succeeded()) << readd.out << readd.err;
  const auto readdLines = withoutTimestamps(readd.out);
  ASSERT_EQ(readdLines.size(), 2u) << readd.out;
  EXPECT_EQ(readdLines[0], " - INFO: Readding a node, the offline/drained flags were reset");
  EXPECT_EQ(readdLines[1], " - INFO: Node will be a master candidate");
  list = cluster.exec("node1", "gnt-node", {"list"});
  EXPECT_EQ(list.out,
            std::string(kListHeader) + kHealthyRow1 + kHealthyRow2 + kHealthyRow3);

  // A candidate leaving the pool gives up its copy of the config.
  auto refusedDemote = cluster.exec("node1", "gnt-node", {"modify", "-C", "no", "node2"});
  EXPECT_EQ(refusedDemote.exitCode, 1);
  EXPECT_NE(refusedDemote.err.find("Not enough master candidates (desired 10, new value will "
                                   "be 2)"),
            std::string::npos)
      << refusedDemote.err;
  auto demote = cluster.exec("node1", "gnt-node", {"modify", "-C", "no", "-f", "node2"});
  ASSERT_TRUE(demote.succeeded()) << demote.err;
  EXPECT_NE(demote.out.find("Modified node node2\n - master_candidate -> False\n"),
            std::string::npos)
      << demote.out;
  EXPECT_FALSE(fs::exists(cluster.dataDir("node2") / "config.data"));
  bool backup = false;
  for (const auto& entry : fs::directory_iterator(cluster.dataDir("node2"))) {
    backup = backup || entry.path().filename().string().rfind("config.data.backup-", 0) == 0;
  }
  EXPECT_TRUE(backup);
  auto promote = cluster.exec("node1", "gnt-node", {"modify", "-C", "yes", "node2"});
  ASSERT_TRUE(promote.succeeded()) << promote.err;
  EXPECT_TRUE(fs::exists(cluster.dataDir("node2") / "config.data"));

  auto roles = cluster.exec("node1", "gnt-node",
                            {"list", "--no-headers", "--separator=|", "-o",
                             "name,role,offline,mtotal,pip,sip"});
  EXPECT_EQ(roles.out, "node1|M|N|32768|" + cluster.base() + ".1.1|" + cluster.base() +
                           ".2.1\nnode2|C|N|32768|" + cluster.base() + ".1.2|" +
                           cluster.base() + ".2.2\nnode3|C|N|32768|" + cluster.base() +
                           ".1.3|" + cluster.base() + ".2.3\n");
}

TEST(VirtualClusterTest, OnlyAcceptedDaemonsJoin) {
  VirtualCluster cluster(3);
  ASSERT_TRUE(cluster.upResult().succeeded()) << cluster.upResult().err;
  const std::string pidText = readFile(cluster.root("node3") / "var/run/gantry/gantry-noded.pid");
  const pid_t node3Pid = static_cast<pid_t>(std::stol(pidText));
  auto removed = cluster.exec("node1", "gnt-node", {"remove", "node3"});
  ASSERT_TRUE(removed.succeeded()) << removed.err;
  EXPECT_FALSE(fs::exists(cluster.dataDir("node1") / "node-keys/node3.json"));
  // node3 forgot the cluster (its own key stays) and its daemon stopped.
  for (const char* file : {"config.data", "ssconf_cluster_name", "cluster-curve.pub",
                           "hmac.key", "cluster-domain-secret"}) {
    EXPECT_FALSE(fs::exists(cluster.dataDir("node3") / file)) << file;
  }
  EXPECT_TRUE(fs::exists(cluster.dataDir("node3") / "node-curve.key"));
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  auto running = [&] {
    const std::string status = readFile("/proc/" + std::to_string(node3Pid) + "/status");
    return !status.empty() && status.find("State:\tZ") == std::string::npos;
  };
  while (running() && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_FALSE(running());
  ASSERT_TRUE(cluster.startNode("node3", {}).succeeded());

  // By name alone: refused, nothing added.
  auto byName = cluster.exec("node1", "gnt-node", {"add", "node3"});
  EXPECT_EQ(byName.exitCode, 1);
  EXPECT_NE(byName.err.find("Node node3 has not been accepted"), std::string::npos)
      << byName.err;
  auto names = cluster.exec("node1", "gnt-node", {"list", "--no-headers", "-o", "name"});
  EXPECT_EQ(names.out, "node1\nnode2\n");

  // The logical unit itself refuses a node whose key was never accepted.
  const fs::path job = cluster.dir() / "add-node3.json";
  std::ofstream(job) << "[{\"OP_ID\": \"OP_NODE_ADD\", \"node_name\": \"node3\", "
                        "\"primary_ip\": \"" + cluster.base() + ".1.3\", "
                        "\"secondary_ip\": \"" + cluster.base() + ".2.3\"}]";
  auto raw = cluster.exec("node1", "gnt-debug", {"submit-job", job.string()});
  // submit-job reports a failed job on stderr (and exits 0, as Ganeti's).
  EXPECT_NE(raw.err.find("has failed: Failure: prerequisites not met"), std::string::npos)
      << raw.err;
  EXPECT_NE(raw.err.find("Node node3 has not been accepted (no known node key)"),
            std::string::npos)
      << raw.out << raw.err;
  names = cluster.exec("node1", "gnt-node", {"list", "--no-headers", "-o", "name"});
  EXPECT_EQ(names.out, "node1\nnode2\n");
  auto unknown = cluster.exec("node1", "gnt-node", {"list", "node9"});
  EXPECT_EQ(unknown.exitCode, 1);
  EXPECT_NE(unknown.err.find("Node name node9 not found"), std::string::npos) << unknown.err;

  // A key whose fingerprint the operator did not expect: refused.
  const std::string key = readFile(cluster.dataDir("node3") / "node-curve.pub");
  const std::string nodeKey = key.substr(0, core::rpc::kCurveKeyTextLength);
  auto wrong = cluster.exec("node1", "gnt-node",
                            {"add", "--node-key", nodeKey, "--fingerprint", "00:11", "node3"});
  EXPECT_EQ(wrong.exitCode, 1);
  EXPECT_NE(wrong.err.find("not accepted"), std::string::npos) << wrong.err;

  // Without a join token the daemon, which no longer trusts any
  // cluster, cannot prove its key.
  auto fingerprint = core::rpc::curveKeyFingerprint(nodeKey);
  ASSERT_TRUE(fingerprint.ok());
  const std::vector<std::string> addArgs = {"add", "-s", cluster.base() + ".2.3", "--node-key",
                                            nodeKey, "--fingerprint", *fingerprint};
  auto untrusting = cluster.exec("node1", "gnt-node", [&] {
    auto args = addArgs;
    args.push_back("node3");
    return args;
  }());
  EXPECT_EQ(untrusting.exitCode, 1);
  EXPECT_NE(untrusting.err.find("a node that has not joined needs --join-token"),
            std::string::npos)
      << untrusting.err;

  // The confirmed key and a one-time token: added again.
  const std::string ticket = runTool({std::string(GANTRY_BINARY_DIR) + "/bin/gantry-noded",
                                      "--root", cluster.root("node3").string(),
                                      "--create-join-token"});
  const auto tokenAt = ticket.find("token=");
  ASSERT_NE(tokenAt, std::string::npos) << ticket;
  const std::string token = ticket.substr(tokenAt + 6, ticket.find('\n', tokenAt) - tokenAt - 6);
  auto good = cluster.exec("node1", "gnt-node", [&] {
    auto args = addArgs;
    args.insert(args.end(), {"--join-token", token, "node3"});
    return args;
  }());
  EXPECT_TRUE(good.succeeded()) << good.out << good.err;
  names = cluster.exec("node1", "gnt-node", {"list", "--no-headers", "-o", "name"});
  EXPECT_EQ(names.out, "node1\nnode2\nnode3\n");
}

TEST(VirtualClusterTest, ClusterInfoModifyAndDestroy) {
  VirtualCluster cluster(1);
  ASSERT_TRUE(cluster.upResult().succeeded()) << cluster.upResult().err;
  auto info = cluster.exec("node1", "gnt-cluster", {"info"});
  ASSERT_TRUE(info.succeeded()) << info.err;
  EXPECT_NE(info.out.find("\nMaster node: node1\n"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("\nEnabled hypervisors: fake\n"), std::string::npos);
  EXPECT_NE(info.out.find("\n  candidate pool size: 10\n"), std::string::npos);
  EXPECT_NE(info.out.find("\n  master netdev: lo\n"), std::string::npos);
  // The master IP is the cluster name's own loopback address.
  EXPECT_EQ(readFile(cluster.dataDir("node1") / "ssconf_master_ip"), cluster.base() + ".1.254\n");

  auto again = cluster.exec("node1", "gnt-cluster", {"init", "cluster"});
  EXPECT_EQ(again.exitCode, 1);
  EXPECT_NE(again.err.find("Cluster is already initialised"), std::string::npos) << again.err;

  auto nothing = cluster.exec("node1", "gnt-cluster", {"modify"});
  EXPECT_EQ(nothing.exitCode, 1);
  EXPECT_EQ(nothing.err, "Please give at least one of the parameters.\n");
  auto modify = cluster.exec("node1", "gnt-cluster",
                             {"modify", "-C", "5", "--master-netdev", "eth9", "-B",
                              "maxmem=256,vcpus=2"});
  ASSERT_TRUE(modify.succeeded()) << modify.err;
  info = cluster.exec("node1", "gnt-cluster", {"info"});
  EXPECT_NE(info.out.find("\n  candidate pool size: 5\n"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("\n  master netdev: eth9\n"), std::string::npos);
  EXPECT_NE(info.out.find("\n    maxmem: 256\n"), std::string::npos);
  EXPECT_EQ(readFile(cluster.dataDir("node1") / "ssconf_master_netdev"), "eth9\n");

  auto refused = cluster.exec("node1", "gnt-cluster", {"destroy"});
  EXPECT_EQ(refused.exitCode, 1);
  EXPECT_NE(refused.err.find("supply the --yes-do-it option"), std::string::npos);
  const std::string masterPid =
      readFile(cluster.root("node1") / "var/run/gantry/gantry-masterd.pid");
  auto destroyed = cluster.exec("node1", "gnt-cluster", {"destroy", "--yes-do-it"});
  ASSERT_TRUE(destroyed.succeeded()) << destroyed.err;
  EXPECT_FALSE(fs::exists(cluster.dataDir("node1") / "config.data"));
  EXPECT_FALSE(fs::exists(cluster.dataDir("node1") / "cluster-curve.key"));
  EXPECT_TRUE(fs::exists(cluster.dataDir("node1") / "node-curve.key"));
  EXPECT_FALSE(fs::exists(cluster.root("node1") / "var/run/gantry/gantry-masterd.pid"));
  auto gone = cluster.exec("node1", "gnt-cluster", {"info"});
  EXPECT_NE(gone.err.find("Cannot communicate with the master daemon"), std::string::npos);

  // An init that fails halfway (here: the queue directory cannot be made)
  // leaves nothing behind, so the next one starts clean.
  const std::vector<std::string> initArgs = {"init", "--enabled-hypervisors", "fake",
                                             "--enabled-disk-templates", "file",
                                             "--master-netdev", "lo", "cluster"};
  const fs::path data = cluster.dataDir("node1");
  std::ofstream(data / "queue") << "in the way\n";
  auto failed = cluster.exec("node1", "gnt-cluster", initArgs);
  EXPECT_EQ(failed.exitCode, 1);
  EXPECT_NE(failed.err.find("queue"), std::string::npos) << failed.err;
  for (const char* file : {"config.data", "cluster-curve.key", "cluster-curve.pub", "hmac.key",
                           "cluster-domain-secret", "ssconf_cluster_name", "node-keys"}) {
    EXPECT_FALSE(fs::exists(data / file)) << file;
  }
  EXPECT_TRUE(fs::exists(data / "node-curve.key"));  // the node's own, from before
  fs::remove(data / "queue");
  auto again2 = cluster.exec("node1", "gnt-cluster", initArgs);
  ASSERT_TRUE(again2.succeeded()) << again2.err;
  // `down` stops what vcluster.pids lists: the new master is added.
  std::string pid = readFile(cluster.root("node1") / "var/run/gantry/gantry-masterd.pid");
  pid.erase(pid.find_last_not_of("\n") + 1);
  std::ofstream(cluster.dir() / "vcluster.pids", std::ios::app) << pid << " masterd:node1\n";
  auto infoAgain = cluster.exec("node1", "gnt-cluster", {"info"});
  EXPECT_TRUE(infoAgain.succeeded()) << infoAgain.err;
}

TEST(VirtualClusterTest, TooLongDirectoryIsAnError) {
  const std::string dir = "/tmp/" + std::string(90, 'x');
  auto result = runVcluster({"up", "1", dir, "--bin", std::string(GANTRY_BINARY_DIR) + "/bin"});
  EXPECT_EQ(result.exitCode, 1);
  EXPECT_NE(result.err.find("more than 107"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(dir));
}

}  // namespace
}  // namespace gantry::test
