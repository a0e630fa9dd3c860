#include "core/opcodes/reason.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ops = gantry::core::opcodes;
using nlohmann::json;

TEST(OpcodeReason, SourceFromOpId) {
  EXPECT_EQ(ops::opcodeReasonSource("OP_TEST_DELAY"), "gnt:opcode:test_delay");
  EXPECT_EQ(ops::opcodeReasonSource("OP_INSTANCE_CREATE"),
            "gnt:opcode:instance_create");
}

TEST(OpcodeReason, QueueElement) {
  std::int64_t ns = ops::reasonTimestampNs(1700000000, 123456);
  EXPECT_EQ(ns, 1700000000123456000LL);
  json e = ops::queueReasonElement("OP_INSTANCE_STARTUP", 42, 1, ns);
  EXPECT_EQ(e, json::parse(R"(["gnt:opcode:instance_startup",
                               "job=42;index=1", 1700000000123456000])"));
}
