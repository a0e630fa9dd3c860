// Cluster verify's finding lines: Ganeti's two formats, ignored codes
// demoted to warnings, and the result turning false on an ERROR only.
#include "daemon/master/cluster/verify/verify_report.h"

#include <gtest/gtest.h>

namespace gantry::daemon::master::verify {
namespace {
using nlohmann::json;

core::opcodes::Opcode opcode(const json& params) {
  json input = {{"OP_ID", "OP_CLUSTER_VERIFY_GROUP"}, {"group_name", "default"}};
  if (params.is_object()) input.update(params);
  auto op = core::opcodes::parseOpcode(input);
  EXPECT_TRUE(op.ok()) << op.error().message;
  return *op;
}

struct Lines {
  std::vector<std::string> lines;
  Reporter::Sink sink() {
    return [this](const std::string& line) { lines.push_back(line); };
  }
};

TEST(VerifyReportTest, DefaultFormatNamesTypeAndObject) {
  Lines out;
  Reporter reporter(opcode({}), out.sink());
  reporter.error("ENODENET", "node1", "tcp communication with node 'node3': failure");
  reporter.error("ECLUSTERFILECHECK", "", "File f is missing from node(s) node2");
  EXPECT_EQ(out.lines, (std::vector<std::string>{
                           "  - ERROR: node node1: tcp communication with node 'node3': failure",
                           "  - ERROR: cluster : File f is missing from node(s) node2"}));
  EXPECT_FALSE(reporter.ok());
}

TEST(VerifyReportTest, ErrorCodesFormatPrintsNoneForClusterItems) {
  Lines out;
  Reporter reporter(opcode({{"error_codes", true}}), out.sink());
  reporter.error("ENODEVERSION", "node3", "incompatible protocol versions: master 1, node 2");
  reporter.error("ECLUSTERFILECHECK", "", "x");
  EXPECT_EQ(out.lines,
            (std::vector<std::string>{
                "  - ERROR:ENODEVERSION:node:node3:incompatible protocol versions: master 1, node 2",
                "  - ERROR:ECLUSTERFILECHECK:cluster:None:x"}));
}

TEST(VerifyReportTest, WarningsAndIgnoredCodesKeepTheResultTrue) {
  Lines out;
  Reporter reporter(opcode({{"ignore_errors", {"ENODENET"}}}), out.sink());
  reporter.error("ENODEVERSION", "node2", "software version mismatch: master a, node b", true);
  reporter.error("ENODENET", "node1", "m");
  EXPECT_TRUE(reporter.ok());
  EXPECT_EQ(out.lines, (std::vector<std::string>{
                           "  - WARNING: node node2: software version mismatch: master a, node b",
                           "  - WARNING: node node1: m"}));
  reporter.error("ENODERPC", "node1", "while contacting node: down");
  EXPECT_FALSE(reporter.ok());
}

TEST(VerifyReportTest, ObjectTypesFollowGanetisDescriptors) {
  EXPECT_EQ(errorCodeObjectType("ECLUSTERDANGLINGNODES"), "node");
  EXPECT_EQ(errorCodeObjectType("EGROUPDIFFERENTPVSIZE"), "group");
  EXPECT_EQ(errorCodeObjectType("EINSTANCEDOWN"), "instance");
  EXPECT_EQ(errorCodeObjectType("ECLUSTERCFG"), "cluster");
  EXPECT_EQ(errorCodeObjectType("EUNKNOWN"), "");
}

}  // namespace
}  // namespace gantry::daemon::master::verify
