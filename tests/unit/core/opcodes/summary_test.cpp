#include "core/opcodes/summary.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ops = gantry::core::opcodes;
using nlohmann::json;

namespace {

std::string summaryOf(const char* text) {
  return ops::summaryOfInput(json::parse(text));
}

}  // namespace

TEST(OpcodeSummary, WithSummaryField) {
  EXPECT_EQ(summaryOf(R"({"OP_ID": "OP_INSTANCE_STARTUP", "instance_name": "instance1"})"),
            "INSTANCE_STARTUP(instance1)");
  EXPECT_EQ(summaryOf(R"({"OP_ID": "OP_CLUSTER_VERIFY_GROUP", "group_name": "default"})"),
            "CLUSTER_VERIFY_GROUP(default)");
  EXPECT_EQ(summaryOf(R"({"OP_ID": "OP_NODE_ADD", "node_name": "node2"})"),
            "NODE_ADD(node2)");
  EXPECT_EQ(summaryOf(R"({"OP_ID": "OP_QUERY", "what": "os", "fields": ["name"]})"),
            "QUERY(os)");
}

TEST(OpcodeSummary, WithoutSummaryField) {
  EXPECT_EQ(summaryOf(R"({"OP_ID": "OP_CLUSTER_VERIFY"})"), "CLUSTER_VERIFY");
  EXPECT_EQ(summaryOf(R"({"OP_ID": "OP_TEST_JQUEUE"})"), "TEST_JQUEUE");
  // Ganeti shows no name for renames.
  EXPECT_EQ(summaryOf(R"({"OP_ID": "OP_INSTANCE_RENAME", "instance_name": "a", "new_name": "b"})"),
            "INSTANCE_RENAME");
}

TEST(OpcodeSummary, TestDelayInNanoseconds) {
  EXPECT_EQ(summaryOf(R"({"OP_ID": "OP_TEST_DELAY", "duration": 10})"),
            "TEST_DELAY(10000000000 ns)");
  EXPECT_EQ(summaryOf(R"({"OP_ID": "OP_TEST_DELAY", "duration": 0.05})"),
            "TEST_DELAY(50000000 ns)");
  EXPECT_EQ(summaryOf(R"({"OP_ID": "OP_TEST_DELAY", "duration": 0.0})"),
            "TEST_DELAY(0 ns)");
}

TEST(OpcodeSummary, SpecialFormats) {
  EXPECT_EQ(summaryOf(R"({"OP_ID": "OP_TAGS_GET", "kind": "cluster"})"),
            "TAGS_GET(TagKindCluster)");
  EXPECT_EQ(summaryOf(R"({"OP_ID": "OP_TAGS_GET", "kind": "nodegroup", "name": "g"})"),
            "TAGS_GET(TagKindGroup)");
  EXPECT_EQ(summaryOf(R"({"OP_ID": "OP_TEST_ALLOCATOR", "direction": "in",
                          "mode": "allocate", "name": "x"})"),
            "TEST_ALLOCATOR(None)");
  EXPECT_EQ(summaryOf(R"({"OP_ID": "OP_TEST_ALLOCATOR", "direction": "in",
                          "mode": "allocate", "name": "x", "iallocator": "hail"})"),
            "TEST_ALLOCATOR(hail)");
}

TEST(OpcodeSummary, InvalidInput) {
  EXPECT_EQ(summaryOf(R"({"OP_ID": "OP_INSTANCE_STARTUP"})"),
            "INSTANCE_STARTUP");  // invalid: instance_name missing
  EXPECT_EQ(summaryOf(R"({"OP_ID": "OP_NO_SUCH_THING"})"), "NO_SUCH_THING");
  EXPECT_EQ(summaryOf(R"({"duration": 1})"), "INVALID_OP");
  EXPECT_EQ(summaryOf(R"({"OP_ID": 3})"), "INVALID_OP");
  EXPECT_EQ(summaryOf(R"([1, 2])"), "INVALID_OP");
}

TEST(OpcodeSummary, FromParsedOpcode) {
  auto op = ops::parseOpcode(json::parse(
      R"({"OP_ID": "OP_BACKUP_EXPORT", "instance_name": "i1", "target_node": "n1"})"));
  ASSERT_TRUE(op);
  EXPECT_EQ(ops::summary(*op), "BACKUP_EXPORT(i1)");
}
