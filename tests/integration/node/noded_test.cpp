// gantry-noded as the master sees it: real daemons on 127.0.1.N, each with
// its own root, called through the RPC client.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/rpc/client.h"
#include "core/rpc/keys.h"
#include "core/rpc/protocol.h"
#include "tests/integration/node/noded_support.h"

namespace {

namespace fs = std::filesystem;
using namespace gantry::core::rpc;
using gantry::sdk::ErrorCode;
using gantry::test::NodeDaemon;
using nlohmann::json;
using namespace std::chrono_literals;

mode_t modeOf(const fs::path& file) {
  struct stat st {};
  EXPECT_EQ(::stat(file.c_str(), &st), 0) << file;
  return st.st_mode & 07777;
}

std::string readText(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class NodedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int counter = 0;
    // Short paths: roots may one day hold unix sockets.
    scratch_ = fs::path("/tmp") / ("gn-" + std::to_string(::getpid()) + "-" +
                                   std::to_string(counter++));
    fs::remove_all(scratch_);
    fs::create_directories(scratch_);
    clusterKeys_ = generateCurveKeyPair().value();
  }

  void TearDown() override {
    nodes_.clear();  // stops every daemon still running, by PID
    fs::remove_all(scratch_);
  }

  // Node N (1-based) on 127.0.1.N, accepting the cluster key, started and
  // answering.
  NodeDaemon& startNode(int n, std::vector<std::string> args = {},
                        bool withClusterKey = true) {
    auto node = std::make_unique<NodeDaemon>(scratch_ / ("node" + std::to_string(n)),
                                             "node" + std::to_string(n),
                                             "127.0.1." + std::to_string(n));
    node->prepare(withClusterKey ? std::optional<std::string>(clusterKeys_.publicKey)
                                 : std::nullopt);
    EXPECT_TRUE(node->start(args));
    nodes_.push_back(std::move(node));
    return *nodes_.back();
  }

  NodeDaemon& startReadyNode(int n, std::vector<std::string> args = {}) {
    NodeDaemon& node = startNode(n, std::move(args));
    EXPECT_TRUE(node.waitReady(clusterKeys_)) << readText(node.root() / "noded.out");
    return node;
  }

  RpcClient client(std::chrono::milliseconds timeout = 10s) {
    return RpcClient({clusterKeys_, timeout});
  }

  fs::path scratch_;
  CurveKeyPair clusterKeys_;
  std::vector<std::unique_ptr<NodeDaemon>> nodes_;
};

TEST_F(NodedTest, VersionReportsProtocolAndRelease) {
  NodeDaemon& node = startReadyNode(1);
  NodeReply reply = client().call(node.target(), "version");
  ASSERT_TRUE(reply.ok) << reply.msg;
  EXPECT_EQ(reply.result.at("protocol"), kProtocolVersion);
  EXPECT_EQ(reply.result.at("version"), GANTRY_VERSION);
}

TEST_F(NodedTest, NodeInfoReportsTheFakeNodesResources) {
  NodeDaemon& node = startReadyNode(
      1, {"--fake-memory", "32G", "--fake-cpus", "6", "--fake-node-memory", "1G"});
  NodeReply reply = client().call(node.target(), "node_info",
                                  json{{"hypervisor", "fake"}, {"storage", {"file"}}});
  ASSERT_TRUE(reply.ok) << reply.msg;
  const json& info = reply.result;
  EXPECT_EQ(info.at("memory_total"), 32768);
  EXPECT_EQ(info.at("memory_dom0"), 1024);
  EXPECT_EQ(info.at("memory_free"), 32768 - 1024);
  EXPECT_EQ(info.at("cpu_total"), 6);
  ASSERT_EQ(info.at("storage").size(), 1u);
  const json& storage = info.at("storage")[0];
  EXPECT_EQ(storage.at("type"), "file");
  EXPECT_EQ(storage.at("name"), (node.root() / "srv/gantry/file-storage").string());
  EXPECT_GT(storage.at("storage_size").get<std::int64_t>(), 0);
  EXPECT_LE(storage.at("storage_free").get<std::int64_t>(),
            storage.at("storage_size").get<std::int64_t>());

  NodeReply noHv = client().call(node.target(), "node_info", json{{"hypervisor", "xen-pvm"}});
  EXPECT_FALSE(noHv.ok);
  EXPECT_EQ(noHv.code, ErrorCode::kNotFound);
  EXPECT_EQ(noHv.msg, "Hypervisor plugin 'xen-pvm' is not loaded on this node");
}

TEST_F(NodedTest, VolumeListComesFromTheStoragePlugins) {
  NodeDaemon& node = startReadyNode(1);
  const fs::path disk = node.root() / "srv/gantry/file-storage/inst1.example.com/disk0";
  fs::create_directories(disk.parent_path());
  std::ofstream(disk).close();
  fs::resize_file(disk, 3 << 20);
  NodeReply reply = client().call(node.target(), "volume_list", json{{"storage", {"file"}}});
  ASSERT_TRUE(reply.ok) << reply.msg;
  ASSERT_EQ(reply.result.at("file").size(), 1u) << reply.result.dump();
  const json& volume = reply.result.at("file")[0];
  EXPECT_EQ(volume.at("name"), disk.string());
  EXPECT_EQ(volume.at("size"), 3);
  EXPECT_EQ(volume.at("owner"), "inst1.example.com");
  NodeReply unknown = client().call(node.target(), "volume_list", json{{"storage", {"drbd"}}});
  EXPECT_FALSE(unknown.ok);
  EXPECT_EQ(unknown.msg, "Storage plugin 'drbd' is not loaded on this node");
}

TEST_F(NodedTest, ParallelCallsToThreeNodesUnderOneTimeout) {
  std::vector<NodeTarget> targets;
  for (int n = 1; n <= 3; ++n) {
    targets.push_back(
        startReadyNode(n, {"--fake-memory", std::to_string(8 * n) + "G"}).target());
  }
  auto rpc = client();
  auto infos = rpc.callMany(targets, "node_info", json{{"hypervisor", "fake"}});
  ASSERT_EQ(infos.size(), 3u);
  for (int n = 1; n <= 3; ++n) {
    const NodeReply& reply = infos[n - 1];
    EXPECT_EQ(reply.node, "node" + std::to_string(n));
    ASSERT_TRUE(reply.ok) << reply.msg;
    EXPECT_EQ(reply.result.at("memory_total"), 8192 * n);
  }

  // Three delays of 1.5 s run side by side: well under the 4.5 s they
  // would take one after the other.
  auto start = std::chrono::steady_clock::now();
  auto delays = rpc.callMany(targets, "test_delay", json{{"duration", 1.5}}, 20s);
  auto elapsed = std::chrono::steady_clock::now() - start;
  for (const auto& reply : delays) EXPECT_TRUE(reply.ok) << reply.node << ": " << reply.msg;
  EXPECT_GE(elapsed, 1500ms);
  EXPECT_LT(elapsed, 4000ms);

  // One timeout for the whole call, not one per node.
  start = std::chrono::steady_clock::now();
  auto late = rpc.callMany(targets, "test_delay", json{{"duration", 30}}, 1s);
  elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, 1s);
  EXPECT_LT(elapsed, 2500ms);
  for (int n = 1; n <= 3; ++n) {
    EXPECT_EQ(late[n - 1].msg,
              "Error while contacting node node" + std::to_string(n) + ": timed out after 1s");
  }
}

TEST_F(NodedTest, OfflineNodeIsNotContacted) {
  NodeDaemon& online = startReadyNode(1);
  NodeDaemon& offline = startReadyNode(2);
  NodeTarget marked = offline.target();
  marked.offline = true;
  auto replies = client().callMany({online.target(), marked}, "write_ssconf_files",
                                   json{{"values", {{"cluster_name", "cluster1"}}}});
  ASSERT_TRUE(replies[0].ok) << replies[0].msg;
  EXPECT_FALSE(replies[1].ok);
  EXPECT_TRUE(replies[1].offline);
  EXPECT_EQ(replies[1].msg, "Node is marked offline");
  EXPECT_EQ(readText(online.dataDir() / "ssconf_cluster_name"), "cluster1\n");
  EXPECT_FALSE(fs::exists(offline.dataDir() / "ssconf_cluster_name"));
}

TEST_F(NodedTest, StoppedNodeIsAConnectionErrorNamingIt) {
  NodeDaemon& node3 = startReadyNode(3);
  auto status = node3.stop(SIGTERM);
  ASSERT_TRUE(status.has_value());
  NodeReply reply = client(1s).call(node3.target(), "version");
  EXPECT_FALSE(reply.ok);
  EXPECT_FALSE(reply.offline);
  EXPECT_EQ(reply.code, ErrorCode::kEnvironment);
  EXPECT_EQ(reply.msg, "Error while contacting node node3: timed out after 1s");
}

TEST_F(NodedTest, ClientsWithoutTheClusterKeyGetNoAnswer) {
  NodeDaemon& node = startReadyNode(1);
  const std::string request = R"({"proc":"version","args":{},"id":1})";

  // No CURVE at all.
  EXPECT_FALSE(gantry::test::rawExchange(node.target(), nullptr, request, 700ms).has_value());
  // CURVE with a key that is not the cluster's.
  const CurveKeyPair other = generateCurveKeyPair().value();
  EXPECT_FALSE(gantry::test::rawExchange(node.target(), &other, request, 700ms).has_value());
  NodeReply refused = RpcClient({other, 700ms}).call(node.target(), "version");
  EXPECT_EQ(refused.msg, "Error while contacting node node1: timed out after 700ms");

  EXPECT_TRUE(node.running());
  NodeReply reply = client().call(node.target(), "version");
  EXPECT_TRUE(reply.ok) << reply.msg;
  const std::string log = node.logText();
  EXPECT_NE(log.find("WARNING: Rejected RPC client at 127.0.0.1"), std::string::npos) << log;
  EXPECT_NE(log.find(": CURVE key " + other.publicKey + " is not the cluster's key"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("WARNING: RPC handshake failed on "), std::string::npos) << log;
}

TEST_F(NodedTest, MalformedRequestsGetErrorAnswers) {
  NodeDaemon& node = startReadyNode(1, {"--max-message-mib", "1"});
  auto exchange = [&](const std::string& payload) {
    auto bytes = gantry::test::rawExchange(node.target(), &clusterKeys_, payload, 10s);
    EXPECT_TRUE(bytes.has_value()) << payload.substr(0, 80);
    auto reply = parseReply(bytes.value_or(""));
    EXPECT_TRUE(reply.ok());
    return reply.ok() ? *reply : Reply{};
  };
  Reply notJson = exchange("{this is not json");
  EXPECT_FALSE(notJson.ok);
  EXPECT_FALSE(notJson.id.has_value());
  EXPECT_EQ(notJson.error.code, ErrorCode::kInvalid);
  EXPECT_NE(notJson.error.message.find("Request is not valid JSON"), std::string::npos);

  Reply unknown = exchange(R"({"proc":"format_disk","args":{},"id":4})");
  EXPECT_FALSE(unknown.ok);
  EXPECT_EQ(unknown.id, 4u);
  EXPECT_EQ(unknown.error.message, "Unknown procedure 'format_disk'");

  Reply wrongType = exchange(R"({"proc":"test_delay","args":{"duration":"long"},"id":5})");
  EXPECT_FALSE(wrongType.ok);
  EXPECT_EQ(wrongType.error.message,
            "Procedure 'test_delay': argument 'duration' must be a number, not string");

  Reply missing = exchange(R"({"proc":"node_info","args":{},"id":6})");
  EXPECT_EQ(missing.error.message, "Procedure 'node_info': missing argument 'hypervisor'");

  Reply negative = exchange(R"({"proc":"test_delay","args":{"duration":-1},"id":7})");
  EXPECT_FALSE(negative.ok);
  EXPECT_EQ(negative.error.code, ErrorCode::kInvalid);

  const std::string big = R"({"proc":"version","args":{"x":")" +
                          std::string((1 << 20) + 10, 'a') + R"("},"id":8})";
  Reply oversize = exchange(big);
  EXPECT_FALSE(oversize.ok);
  EXPECT_EQ(oversize.error.message, "Request of " + std::to_string(big.size()) +
                                        " bytes exceeds the limit of 1048576 bytes");

  // Far past the limit, ZeroMQ cuts the peer off: no answer, no crash.
  const std::string huge(3 << 20, 'x');
  EXPECT_FALSE(gantry::test::rawExchange(node.target(), &clusterKeys_, huge, 1s).has_value());

  EXPECT_TRUE(node.running());
  Reply fine = exchange(R"({"proc":"version","id":9})");
  EXPECT_TRUE(fine.ok);
  EXPECT_EQ(fine.id, 9u);
}

TEST_F(NodedTest, UploadFileWritesOnlyWhitelistedFiles) {
  NodeDaemon& node = startReadyNode(1);
  auto rpc = client();
  NodeReply config = rpc.call(node.target(), "upload_file",
                              json{{"name", "config.data"}, {"data", "{\"version\": 3010000}"},
                                   {"mode", 0640}});
  ASSERT_TRUE(config.ok) << config.msg;
  EXPECT_EQ(readText(node.dataDir() / "config.data"), "{\"version\": 3010000}");
  EXPECT_EQ(modeOf(node.dataDir() / "config.data"), 0640u);

  NodeReply binary = rpc.call(node.target(), "upload_file",
                              json{{"name", "hmac.key"}, {"data", "AP8Q"}, {"encoding", "base64"}});
  ASSERT_TRUE(binary.ok) << binary.msg;
  EXPECT_EQ(readText(node.dataDir() / "hmac.key"), std::string("\x00\xff\x10", 3));
  EXPECT_EQ(modeOf(node.dataDir() / "hmac.key"), 0600u);

  NodeReply notListed = rpc.call(node.target(), "upload_file",
                                 json{{"name", "passwd"}, {"data", "x"}});
  EXPECT_FALSE(notListed.ok);
  EXPECT_EQ(notListed.code, ErrorCode::kInvalid);
  EXPECT_EQ(notListed.msg, "File 'passwd' is not one a node accepts through upload_file");
  EXPECT_FALSE(fs::exists(node.dataDir() / "passwd"));

  for (const std::string name : {"../config.data", "../../../../etc/gantry-test",
                                 "/tmp/gantry-upload-test", "queue/job-1"}) {
    NodeReply traversal = rpc.call(node.target(), "upload_file",
                                   json{{"name", name}, {"data", "x"}});
    EXPECT_FALSE(traversal.ok) << name;
    EXPECT_EQ(traversal.msg,
              "File name '" + name + "' must be a plain name in the node's data directory");
  }
  EXPECT_FALSE(fs::exists(node.root() / "var/lib/config.data"));
  EXPECT_FALSE(fs::exists("/tmp/gantry-upload-test"));

  NodeReply badMode = rpc.call(node.target(), "upload_file",
                               json{{"name", "known_hosts"}, {"data", "x"}, {"mode", 04755}});
  EXPECT_FALSE(badMode.ok);
  EXPECT_FALSE(fs::exists(node.dataDir() / "known_hosts"));
}

TEST_F(NodedTest, NodeVerifyChecksumsTestsPeersAndReportsItsVersion) {
  NodeDaemon& node = startReadyNode(
      1, {"--bind", "127.0.2.1", "--setting", "test.protocol_version=7"});
  auto rpc = client();
  ASSERT_TRUE(rpc.call(node.target(), "write_ssconf_files",
                       json{{"values", {{"master_node", "node1"}}}})
                  .ok);
  const auto port = node.target().port;
  const json checks = {
      {"filelist", {"ssconf_master_node", "ssconf_nosuch", "../../etc/passwd", "/etc/passwd"}},
      {"node-net-test",
       {{"nodes", {{"node1", "127.0.1.1", "127.0.2.1", port},
                   {"node9", "127.0.1.9", "127.0.2.9", port}}}}},
      {"version", nullptr},
      {"time", nullptr}};
  NodeReply reply = rpc.call(node.target(), "node_verify", json{{"checks", checks}});
  ASSERT_TRUE(reply.ok) << reply.msg;
  // Only whitelisted files of the data dir, by their SHA-1 ("node1\n").
  EXPECT_EQ(reply.result["filelist"],
            (json{{"ssconf_master_node", "d9e9a8ca6efc77fd57e0e885fd28524613fd282b"}}))
      << reply.result.dump();
  // Served on both addresses itself; nothing listens for node9.
  EXPECT_EQ(reply.result["node-net-test"],
            (json{{"node9", "failure using the primary and secondary interface(s)"}}));
  EXPECT_EQ(reply.result["version"][0], 7);
  EXPECT_EQ(reply.result["time"].size(), 2u);
  NodeReply version = rpc.call(node.target(), "version");
  ASSERT_TRUE(version.ok);
  EXPECT_EQ(version.result["protocol"], 7);

  // A node that is not in the list cannot test from its own addresses.
  NodeReply alone = rpc.call(
      node.target(), "node_verify",
      json{{"checks", {{"node-net-test", {{"nodes", {{"node9", "127.0.1.9", "127.0.2.9", port}}}}}}}});
  ASSERT_TRUE(alone.ok) << alone.msg;
  EXPECT_EQ(alone.result["node-net-test"],
            (json{{"127.0.1.1", "Can't find my own primary/secondary IP in the node list"}}));
}

TEST_F(NodedTest, SsconfFilesAndMasterName) {
  NodeDaemon& node = startReadyNode(1);
  auto rpc = client();
  NodeReply none = rpc.call(node.target(), "master_node_name");
  EXPECT_FALSE(none.ok);
  NodeReply written = rpc.call(
      node.target(), "write_ssconf_files",
      json{{"values", {{"master_node", "node1.example.com"},
                       {"node_list", "node1.example.com\nnode2.example.com"},
                       {"cluster_tags", ""}}}});
  ASSERT_TRUE(written.ok) << written.msg;
  EXPECT_EQ(readText(node.dataDir() / "ssconf_node_list"),
            "node1.example.com\nnode2.example.com\n");
  EXPECT_EQ(readText(node.dataDir() / "ssconf_cluster_tags"), "");
  EXPECT_EQ(modeOf(node.dataDir() / "ssconf_master_node"), 0444u);

  NodeReply master = rpc.call(node.target(), "master_node_name");
  ASSERT_TRUE(master.ok) << master.msg;
  EXPECT_EQ(master.result, "node1.example.com");
  NodeReply read = rpc.call(node.target(), "read_ssconf",
                            json{{"keys", {"master_node", "cluster_name"}}});
  ASSERT_TRUE(read.ok) << read.msg;
  EXPECT_EQ(read.result, (json{{"master_node", "node1.example.com"}, {"cluster_name", nullptr}}));

  NodeReply bad = rpc.call(node.target(), "write_ssconf_files",
                           json{{"values", {{"../evil", "x"}, {"cluster_name", "c"}}}});
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.msg, "Invalid ssconf key '../evil'");
  EXPECT_FALSE(fs::exists(node.dataDir() / "ssconf_cluster_name"));  // all or nothing
}

TEST_F(NodedTest, HooksRunnerRunsThisNodesScriptsWithTheGivenEnvironment) {
  NodeDaemon& node = startReadyNode(1);
  auto rpc = client();
  const fs::path dir = node.root() / "etc/gantry/hooks/node-add-post.d";
  fs::create_directories(dir);
  std::ofstream(dir / "10-echo") << "#!/bin/sh\necho \"$GANETI_NODE_NAME\"\nexit 1\n";
  std::ofstream(dir / "20-ok") << "#!/bin/sh\nexit 0\n";
  std::ofstream(dir / "bad.name") << "#!/bin/sh\nexit 1\n";
  for (const char* script : {"10-echo", "20-ok", "bad.name"}) {
    fs::permissions(dir / script, fs::perms::owner_all);
  }
  NodeReply ran = rpc.call(node.target(), "hooks_runner",
                           json{{"hpath", "node-add"},
                                {"phase", "post"},
                                {"env", {{"GANETI_NODE_NAME", "node9"}}}});
  ASSERT_TRUE(ran.ok) << ran.msg;
  EXPECT_EQ(ran.result, json::parse(R"([["10-echo", 1, "node9\n"], ["20-ok", 2, ""],
                                        ["bad.name", 0, ""]])"));

  NodeReply escape = rpc.call(node.target(), "hooks_runner",
                              json{{"hpath", "../../bin"}, {"phase", "post"}, {"env", json::object()}});
  EXPECT_FALSE(escape.ok);
  EXPECT_EQ(escape.msg, "Invalid hooks path '../../bin'");
}

TEST_F(NodedTest, JobQueueUpdateAndRename) {
  NodeDaemon& node = startReadyNode(1);
  auto rpc = client();
  const json job = {{"id", 17}, {"ops", json::array()}};
  // A journal left from a time this node was master is stale once another
  // master copies its queue here: the first update drops it.
  const fs::path queue = node.dataDir() / "queue";
  fs::create_directories(queue);
  for (const char* stale : {"journal-0", "journal-1"}) std::ofstream(queue / stale) << "old";
  ASSERT_TRUE(rpc.call(node.target(), "jobqueue_update",
                       json{{"name", "job-17"}, {"content", job.dump()}})
                  .ok);
  ASSERT_TRUE(rpc.call(node.target(), "jobqueue_update",
                       json{{"name", "serial"}, {"content", "17\n"}})
                  .ok);
  EXPECT_FALSE(fs::exists(queue / "journal-0"));
  EXPECT_FALSE(fs::exists(queue / "journal-1"));
  EXPECT_EQ(json::parse(readText(queue / "job-17")), job);
  EXPECT_EQ(modeOf(queue / "job-17"), 0640u);
  EXPECT_EQ(readText(queue / "serial"), "17\n");

  NodeReply renamed = rpc.call(node.target(), "jobqueue_rename",
                               json{{"renames", json::array({json::array({"job-17", "archive/0/job-17"})})}});
  ASSERT_TRUE(renamed.ok) << renamed.msg;
  EXPECT_FALSE(fs::exists(queue / "job-17"));
  EXPECT_TRUE(fs::exists(queue / "archive/0/job-17"));

  NodeReply missing = rpc.call(node.target(), "jobqueue_rename",
                               json{{"renames", json::array({json::array({"job-18", "archive/0/job-18"})})}});
  EXPECT_FALSE(missing.ok);
  EXPECT_EQ(missing.code, ErrorCode::kNotFound);
  NodeReply badName = rpc.call(node.target(), "jobqueue_update",
                               json{{"name", "../config.data"}, {"content", "x"}});
  EXPECT_FALSE(badName.ok);
  EXPECT_EQ(badName.msg,
            "Job queue file '../config.data' is not allowed (only 'job-<id>' and 'serial')");
  NodeReply badPair = rpc.call(node.target(), "jobqueue_rename",
                               json{{"renames", json::array({json::array({"job-1"})})}});
  EXPECT_FALSE(badPair.ok);
}

TEST_F(NodedTest, KeyFilesAre0600AndFingerprintIsStable) {
  NodeDaemon& node = startReadyNode(1);
  EXPECT_EQ(modeOf(node.dataDir() / "node-curve.key"), 0600u);
  EXPECT_EQ(modeOf(node.dataDir() / "node-curve.pub"), 0600u);
  EXPECT_EQ(modeOf(node.dataDir() / "cluster-curve.pub"), 0600u);
  std::string printed = gantry::test::runTool(
      {gantry::test::nodedBinary().string(), "--print-fingerprint", "--root", node.root().string()});
  EXPECT_EQ(printed, curveKeyFingerprint(node.publicKey()).value() + "\n");
  EXPECT_NE(node.logText().find("Node key fingerprint: " + printed.substr(0, printed.size() - 1)),
            std::string::npos);
}

TEST_F(NodedTest, LongDelayDoesNotBlockNodeInfo) {
  NodeDaemon& node = startReadyNode(1);
  // Sent in this order on one connection, so the delay reaches a worker
  // first; node_info must still be answered first.
  gantry::test::RawConnection connection(node.target(), &clusterKeys_);
  ASSERT_TRUE(connection.send(R"({"proc":"test_delay","args":{"duration":2},"id":1})"));
  ASSERT_TRUE(connection.send(R"({"proc":"node_info","args":{"hypervisor":"fake"},"id":2})"));
  auto first = parseReply(connection.receive(10s).value_or(""));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->id, 2u);
  EXPECT_TRUE(first->ok) << first->error.message;
  auto second = parseReply(connection.receive(10s).value_or(""));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->id, 1u);
  EXPECT_TRUE(second->ok) << second->error.message;
}

TEST_F(NodedTest, SigtermExitsCleanlyEvenDuringADelay) {
  NodeDaemon& node = startReadyNode(1, {"--debug"});
  ASSERT_TRUE(fs::exists(node.pidFile()));
  EXPECT_EQ(readText(node.pidFile()), std::to_string(node.pid()) + "\n");
  // A worker has taken the delay once the debug log names the request
  // (an answer to a later request on another worker would not prove it).
  gantry::test::RawConnection connection(node.target(), &clusterKeys_);
  ASSERT_TRUE(connection.send(R"({"proc":"test_delay","args":{"duration":600},"id":1})"));
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (node.logText().find("RPC request: test_delay") == std::string::npos) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << node.logText();
    std::this_thread::sleep_for(10ms);
  }

  const auto start = std::chrono::steady_clock::now();
  auto status = node.stop(SIGTERM);
  ASSERT_TRUE(status.has_value()) << "gantry-noded did not exit on SIGTERM";
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0);
  EXPECT_FALSE(fs::exists(node.pidFile()));
  const std::string log = node.logText();
  EXPECT_NE(log.find("RPC test_delay failed: Delay interrupted: the node daemon is shutting down"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("INFO: Received signal Terminated, shutting down"), std::string::npos) << log;
  EXPECT_NE(log.find("INFO: gantry-noded stopped"), std::string::npos) << log;
}

TEST_F(NodedTest, JoinWithAOneTimeToken) {
  NodeDaemon& node = startNode(1, {}, /*withClusterKey=*/false);
  const std::string out = gantry::test::runTool({gantry::test::nodedBinary().string(),
                                                 "--create-join-token", "--root",
                                                 node.root().string()});
  ASSERT_EQ(out.rfind("token=", 0), 0u) << out;
  const std::string token = out.substr(6, out.find('\n') - 6);
  EXPECT_NE(out.find("public_key=" + node.publicKey() + "\n"), std::string::npos) << out;
  EXPECT_EQ(modeOf(node.dataDir() / "join-token"), 0600u);

  auto rpc = client();
  NodeReply early = rpc.call(node.target(), "version");
  EXPECT_FALSE(early.ok);
  EXPECT_EQ(early.msg, "This node has not joined a cluster yet; only 'join' is accepted");
  NodeReply wrong = rpc.call(node.target(), "join",
                             json{{"token", std::string(64, '0')},
                                  {"cluster_public_key", clusterKeys_.publicKey}});
  EXPECT_FALSE(wrong.ok);
  EXPECT_EQ(wrong.msg, "Invalid join token");
  NodeReply joined = rpc.call(node.target(), "join",
                              json{{"token", token}, {"cluster_public_key", clusterKeys_.publicKey}});
  ASSERT_TRUE(joined.ok) << joined.msg;
  EXPECT_EQ(joined.result.at("fingerprint"), curveKeyFingerprint(node.publicKey()).value());
  EXPECT_FALSE(fs::exists(node.dataDir() / "join-token"));
  EXPECT_EQ(modeOf(node.dataDir() / "cluster-curve.pub"), 0600u);

  NodeReply now = rpc.call(node.target(), "version");
  EXPECT_TRUE(now.ok) << now.msg;
  NodeReply replay = rpc.call(node.target(), "join",
                              json{{"token", token}, {"cluster_public_key", clusterKeys_.publicKey}});
  EXPECT_FALSE(replay.ok);
  // Another key gets nothing now that the node trusts the cluster's.
  NodeReply other = RpcClient({generateCurveKeyPair().value(), 700ms}).call(node.target(), "version");
  EXPECT_FALSE(other.ok);
  EXPECT_EQ(other.msg, "Error while contacting node node1: timed out after 700ms");
}

TEST_F(NodedTest, RefusesToBindToTheWildcardAddress) {
  NodeDaemon node(scratch_ / "nodex", "nodex", "0.0.0.0");
  node.prepare(clusterKeys_.publicKey);
  ASSERT_TRUE(node.start());
  auto status = node.stop(0, 10s);  // signal 0: just wait for the exit
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(WEXITSTATUS(*status), 1);
  EXPECT_NE(readText(node.root() / "noded.out")
                .find("Error: Refusing to bind to '0.0.0.0': give the node's own address"),
            std::string::npos);
}

}  // namespace
