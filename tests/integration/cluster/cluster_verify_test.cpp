// gnt-cluster verify on a 3-node virtual cluster: clean, then one fault at
// a time (a candidate with an old config.data, a replicated file changed
// on a node, a node daemon of another protocol version, a node whose
// secondary address is not served, a failing post hook), each found with
// Ganeti's texts and exit code 1.
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cluster/vcluster_support.h"
#include "core/rpc/protocol.h"

namespace gantry::test {
namespace {
namespace fs = std::filesystem;

const std::vector<std::string> kConfigHeaders = {
    "* Verifying cluster config",
    "* Verifying cluster certificate files",
    "* Verifying hypervisor parameters",
    "* Verifying all nodes belong to an existing group",
};
const std::vector<std::string> kGroupHeaders = {
    "* Verifying group 'default'",
    "* Gathering data (3 nodes)",
    "* Gathering information about nodes (3 nodes)",
    "* Gathering disk information (3 nodes)",
    "* Verifying configuration file consistency",
    "* Verifying node status",
    "* Verifying instance status",
    "* Verifying orphan volumes",
    "* Verifying N+1 Memory redundancy",
    "* Other Notes",
    "* Hooks Results",
};

// The lines of a finding ("  - ERROR..." / "  - WARNING...").
std::vector<std::string> findings(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const auto& line : lines) {
    if (line.rfind("  - ", 0) == 0) out.push_back(line);
  }
  return out;
}

bool contains(const std::vector<std::string>& lines, const std::string& wanted) {
  return std::find(lines.begin(), lines.end(), wanted) != lines.end();
}

void overwrite(const fs::path& path, const std::string& text) {
  fs::permissions(path, fs::perms::owner_write, fs::perm_options::add);
  std::ofstream(path, std::ios::trunc) << text;
}

// Ganeti numbers the variants in checksum order: either order may come.
bool hasTwoVariants(const std::vector<std::string>& lines, const std::string& prefix,
                    const std::string& file, const std::string& a, const std::string& b) {
  const std::string head = prefix + "File " + file + " found with 2 different checksums (";
  return contains(lines, head + "variant 1 on " + a + "; variant 2 on " + b + ")") ||
         contains(lines, head + "variant 1 on " + b + "; variant 2 on " + a + ")");
}

class ClusterVerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(cluster_.upResult().succeeded())
        << cluster_.upResult().out << cluster_.upResult().err;
  }

  sdk::ProcessResult verify(const std::vector<std::string>& args = {}) {
    return cluster_.exec("node1", "gnt-cluster", [&] {
      std::vector<std::string> all = {"verify"};
      all.insert(all.end(), args.begin(), args.end());
      return all;
    }());
  }

  void restartNode3(const std::vector<std::string>& options) {
    ASSERT_TRUE(cluster_.stopNode("node3").succeeded());
    auto started = cluster_.startNode("node3", options);
    ASSERT_TRUE(started.succeeded()) << started.err;
  }

  VirtualCluster cluster_{3};
};

TEST_F(ClusterVerifyTest, CleanClusterPrintsGanetisStepsAndExitsZero) {
  auto result = verify();
  EXPECT_EQ(result.exitCode, 0) << result.out << result.err;
  const auto lines = withoutTimestamps(result.out);
  ASSERT_EQ(lines.size(), 3 + kConfigHeaders.size() + kGroupHeaders.size()) << result.out;
  std::smatch ids;
  ASSERT_TRUE(std::regex_match(lines[0], ids, std::regex(R"(Submitted jobs (\d+), (\d+))")))
      << lines[0];
  EXPECT_EQ(lines[1], "Waiting for job " + ids[1].str() + " ...");
  for (std::size_t i = 0; i < kConfigHeaders.size(); ++i) {
    EXPECT_EQ(lines[2 + i], kConfigHeaders[i]);
  }
  EXPECT_EQ(lines[2 + kConfigHeaders.size()], "Waiting for job " + ids[2].str() + " ...");
  for (std::size_t i = 0; i < kGroupHeaders.size(); ++i) {
    EXPECT_EQ(lines[3 + kConfigHeaders.size() + i], kGroupHeaders[i]);
  }
  // Every line of a job's log carries its timestamp.
  EXPECT_TRUE(std::regex_search(
      result.out, std::regex(R"(\n\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} \* Verifying cluster config\n)")))
      << result.out;

  auto job = cluster_.exec("node1", "gnt-job", {"info", ids[2].str()});
  EXPECT_NE(job.out.find("OP_CLUSTER_VERIFY_GROUP"), std::string::npos) << job.out;

  // One group only: its job alone, the group as typed.
  auto group = verify({"--node-group", "default"});
  EXPECT_EQ(group.exitCode, 0) << group.out << group.err;
  const auto groupLines = withoutTimestamps(group.out);
  ASSERT_EQ(groupLines.size(), 2 + kGroupHeaders.size()) << group.out;
  EXPECT_TRUE(std::regex_match(groupLines[0], std::regex(R"(Submitted jobs \d+)")));
  EXPECT_EQ(groupLines[2], kGroupHeaders[0]);

  auto unknown = verify({"--node-group", "nosuchgroup"});
  EXPECT_EQ(unknown.exitCode, 1);
  EXPECT_NE(unknown.err.find(" has failed: Failure: prerequisites not met for this "
                             "operation:\nerror type: unknown_entity, error details:\n"
                             "Node group 'nosuchgroup' not found"),
            std::string::npos)
      << unknown.err;
  EXPECT_NE(unknown.out.find("1 job(s) failed while verifying the cluster.\n"),
            std::string::npos)
      << unknown.out;
}

TEST_F(ClusterVerifyTest, OldConfigOnCandidateAndChangedSsconfFile) {
  // node3 holds an older config.data (its serial one lower).
  const fs::path config = cluster_.dataDir("node3") / "config.data";
  std::ifstream in(config);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  in.close();
  const std::regex serial(R"("serial_no":\s*(\d+))");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(text, m, serial));
  const std::string old = "\"serial_no\": " + std::to_string(std::stol(m[1].str()) - 1);
  overwrite(config, m.prefix().str() + old + m.suffix().str());
  // node2's copy of an ssconf file was changed by hand.
  overwrite(cluster_.dataDir("node2") / "ssconf_cluster_name", "another\n");

  auto result = verify();
  EXPECT_EQ(result.exitCode, 1) << result.out << result.err;
  const auto lines = findings(withoutTimestamps(result.out));
  const std::string dataDir = cluster_.dataDir("node1").string();
  EXPECT_TRUE(hasTwoVariants(lines, "  - ERROR: cluster : ", dataDir + "/config.data",
                             "node1, node2", "node3"))
      << result.out;
  EXPECT_TRUE(hasTwoVariants(lines, "  - ERROR: cluster : ", dataDir + "/ssconf_cluster_name",
                             "node1, node3", "node2"))
      << result.out;
  EXPECT_EQ(lines.size(), 2u) << result.out;

  auto coded = verify({"--error-codes"});
  EXPECT_EQ(coded.exitCode, 1);
  EXPECT_TRUE(hasTwoVariants(findings(withoutTimestamps(coded.out)),
                             "  - ERROR:ECLUSTERFILECHECK:cluster:None:",
                             dataDir + "/config.data", "node1, node2", "node3"))
      << coded.out;

  // Ignored codes are reported as warnings and no longer fail.
  auto ignored = verify({"-I", "ECLUSTERFILECHECK"});
  EXPECT_EQ(ignored.exitCode, 0) << ignored.out;
  EXPECT_TRUE(hasTwoVariants(findings(withoutTimestamps(ignored.out)),
                             "  - WARNING: cluster : ", dataDir + "/ssconf_cluster_name",
                             "node1, node3", "node2"))
      << ignored.out;
}

TEST_F(ClusterVerifyTest, NodeDaemonOfAnotherProtocolVersion) {
  restartNode3({"--setting", "test.protocol_version=99"});
  auto result = verify();
  EXPECT_EQ(result.exitCode, 1) << result.out << result.err;
  const auto lines = findings(withoutTimestamps(result.out));
  EXPECT_EQ(lines, std::vector<std::string>{"  - ERROR: node node3: incompatible protocol "
                                            "versions: master " +
                                            std::to_string(core::rpc::kProtocolVersion) +
                                            ", node 99"})
      << result.out;
}

TEST_F(ClusterVerifyTest, NodeWithoutItsSecondaryNetwork) {
  restartNode3({"--primary-only"});
  auto result = verify();
  EXPECT_EQ(result.exitCode, 1) << result.out << result.err;
  const auto lines = findings(withoutTimestamps(result.out));
  const std::vector<std::string> expected = {
      "  - ERROR: node node1: tcp communication with node 'node3': failure using the "
      "secondary interface(s)",
      "  - ERROR: node node2: tcp communication with node 'node3': failure using the "
      "secondary interface(s)",
      "  - ERROR: node node3: tcp communication with node 'node3': failure using the "
      "secondary interface(s)",
  };
  EXPECT_EQ(lines, expected) << result.out;

  // Back on both networks: clean again.
  restartNode3({});
  auto clean = verify();
  EXPECT_EQ(clean.exitCode, 0) << clean.out;
  EXPECT_TRUE(findings(withoutTimestamps(clean.out)).empty()) << clean.out;
}

TEST_F(ClusterVerifyTest, NodeDaemonDown) {
  ASSERT_TRUE(cluster_.stopNode("node3").succeeded());
  auto result = verify();
  EXPECT_EQ(result.exitCode, 1) << result.out << result.err;
  const auto lines = findings(withoutTimestamps(result.out));
  EXPECT_TRUE(contains(lines, "  - ERROR: node node3: Node did not return file checksum data"))
      << result.out;
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
    return l.rfind("  - ERROR: node node3: while contacting node: ", 0) == 0;
  })) << result.out;
  for (const std::string node : {"node1", "node2"}) {
    EXPECT_TRUE(contains(lines, "  - ERROR: node " + node +
                                    ": tcp communication with node 'node3': failure using "
                                    "the primary and secondary interface(s)"))
        << result.out;
  }
}

TEST_F(ClusterVerifyTest, FailingPostHook) {
  // Hooks run on every node of the group, each from its own directory:
  // node1's fails, node2's passes, node3 has none.
  for (const auto& [node, code] : {std::pair{"node1", 3}, std::pair{"node2", 0}}) {
    const fs::path dir = cluster_.root(node) / "etc/gantry/hooks/cluster-verify-post.d";
    fs::create_directories(dir);
    const fs::path script = dir / "check";
    std::ofstream(script) << "#!/bin/sh\necho first\necho second\nexit " << code << "\n";
    fs::permissions(script, fs::perms::owner_all);
  }
  auto result = verify({"--error-codes"});
  EXPECT_EQ(result.exitCode, 1) << result.out << result.err;
  const auto all = withoutTimestamps(result.out);
  auto hooks = std::find(all.begin(), all.end(), "* Hooks Results");
  ASSERT_NE(hooks, all.end()) << result.out;
  ASSERT_GE(all.end() - hooks, 3) << result.out;
  EXPECT_TRUE(std::regex_match(
      *(hooks + 1),
      std::regex(R"(  - ERROR:ENODEHOOKS:node:node1:Script cluster-verify-post\.d/check failed, output:)")))
      << *(hooks + 1);
  EXPECT_EQ(*(hooks + 2), "      first\\nsecond");
  EXPECT_EQ(std::count_if(hooks, all.end(),
                          [](const std::string& line) { return line.find("ENODEHOOKS") != std::string::npos; }),
            1)
      << result.out;

  // node2's hook fails too: reported under node2's name.
  std::ofstream(cluster_.root("node2") / "etc/gantry/hooks/cluster-verify-post.d/check")
      << "#!/bin/sh\necho broken\nexit 1\n";
  auto both = verify({"--error-codes"});
  EXPECT_NE(both.out.find("  - ERROR:ENODEHOOKS:node:node2:Script cluster-verify-post.d/check "
                          "failed, output:\n"),
            std::string::npos)
      << both.out;
}

}  // namespace
}  // namespace gantry::test
