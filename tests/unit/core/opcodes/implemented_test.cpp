#include "core/opcodes/implemented.h"

#include <gtest/gtest.h>

namespace ops = gantry::core::opcodes;

namespace {

// Keeps the process-wide registry as it was around each test.
class ImplementedRegistry : public ::testing::Test {
 protected:
  void SetUp() override { saved_ = ops::implementedOpcodes(); }
  void TearDown() override {
    ops::clearImplemented();
    for (const auto& id : saved_) (void)ops::registerImplemented(id);
  }
  std::vector<std::string> saved_;
};

}  // namespace

TEST_F(ImplementedRegistry, RegisterAndQuery) {
  ops::clearImplemented();
  EXPECT_FALSE(ops::isImplemented("OP_TEST_DELAY"));
  ASSERT_TRUE(ops::registerImplemented("OP_TEST_DELAY"));
  ASSERT_TRUE(ops::registerImplemented("OP_TEST_DELAY"));  // idempotent
  ASSERT_TRUE(ops::registerImplemented("OP_CLUSTER_VERIFY"));
  EXPECT_TRUE(ops::isImplemented("OP_TEST_DELAY"));
  EXPECT_FALSE(ops::isImplemented("OP_TEST_JQUEUE"));
  EXPECT_EQ(ops::implementedOpcodes(),
            (std::vector<std::string>{"OP_CLUSTER_VERIFY", "OP_TEST_DELAY"}));
}

TEST_F(ImplementedRegistry, RefusesUnknownOpcode) {
  auto r = ops::registerImplemented("OP_MAKE_COFFEE");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, gantry::sdk::ErrorCode::kInvalid);
  EXPECT_FALSE(ops::isImplemented("OP_MAKE_COFFEE"));
}

TEST_F(ImplementedRegistry, NotImplementedMessage) {
  EXPECT_EQ(ops::notImplementedMessage("OP_NODE_EVACUATE"),
            "Opcode OP_NODE_EVACUATE is not implemented yet");
  auto err = ops::notImplementedError("OP_NODE_EVACUATE");
  EXPECT_EQ(err.code, gantry::sdk::ErrorCode::kInvalid);
  EXPECT_EQ(err.message, "Opcode OP_NODE_EVACUATE is not implemented yet");
}
