// The replicated-file check: missing, unexpected and differing copies,
// with Ganeti's texts and NiceSorted node lists.
#include "daemon/master/cluster/verify/file_check.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace gantry::daemon::master::verify {
namespace {
using nlohmann::json;

class FileCheckTest : public ::testing::Test {
 protected:
  std::vector<std::string> run(const std::vector<ReplicatedFile>& files,
                               const std::vector<std::pair<std::string, bool>>& nodes) {
    auto op = core::opcodes::parseOpcode(
        json{{"OP_ID", "OP_CLUSTER_VERIFY_GROUP"}, {"group_name", "default"}});
    EXPECT_TRUE(op.ok());
    std::vector<std::string> lines;
    Reporter reporter(*op, [&lines](const std::string& l) { lines.push_back(l); });
    std::vector<NodeFiles> answers;
    for (const auto& [name, candidate] : nodes) {
      answers.push_back({name, candidate, &checksums_[name]});
    }
    checkFiles(reporter, files, answers);
    ok_ = reporter.ok();
    return lines;
  }

  std::map<std::string, json> checksums_;
  bool ok_ = true;
};

TEST_F(FileCheckTest, SameChecksumsEverywhereIsClean) {
  for (const char* n : {"node1", "node2"}) checksums_[n] = {{"ssconf_a", "aa"}, {"config.data", "cc"}};
  EXPECT_TRUE(run({{"ssconf_a", "/d/ssconf_a", false}, {"config.data", "/d/config.data", true}},
                  {{"node1", true}, {"node2", true}})
                  .empty());
  EXPECT_TRUE(ok_);
}

TEST_F(FileCheckTest, VariantsAreNumberedInChecksumOrderWithNiceSortedNodes) {
  checksums_["node10"] = {{"f", "bb"}};
  checksums_["node2"] = {{"f", "bb"}};
  checksums_["node1"] = {{"f", "aa"}};
  const auto lines =
      run({{"f", "/d/f", false}}, {{"node10", false}, {"node2", false}, {"node1", true}});
  EXPECT_EQ(lines, std::vector<std::string>{
                       "  - ERROR: cluster : File /d/f found with 2 different checksums "
                       "(variant 1 on node1; variant 2 on node2, node10)"});
  EXPECT_FALSE(ok_);
}

TEST_F(FileCheckTest, MissingAndUnexpectedCopies) {
  checksums_["node1"] = {{"config.data", "cc"}, {"ssconf_a", "aa"}};
  checksums_["node2"] = json::object();
  checksums_["node3"] = {{"config.data", "cc"}, {"ssconf_a", "aa"}};
  const auto lines = run({{"config.data", "/d/config.data", true}, {"ssconf_a", "/d/ssconf_a", false}},
                         {{"node1", true}, {"node2", true}, {"node3", false}});
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "  - ERROR: cluster : File /d/config.data is missing from node(s) node2",
                       "  - ERROR: cluster : File /d/config.data should not exist on node(s) node3",
                       "  - ERROR: cluster : File /d/ssconf_a is missing from node(s) node2"}));
}

}  // namespace
}  // namespace gantry::daemon::master::verify
