// OP_TEST_JQUEUE: exercises the job queue's logging and failure paths
// (`gnt-debug test-jobqueue`).
#include "daemon/master/lu/logical_unit.h"

namespace gantry::daemon::master {
namespace {

class LuTestJqueue : public LogicalUnit {
 public:
  using LogicalUnit::LogicalUnit;
  bool requiresBgl() const override { return false; }

  void expandNames() override {
    if (op.getBool("notify_waitlock")) {
      context.feedback("jqueue-test", nlohmann::json::array({"waitlock"}));
    }
  }

  nlohmann::json exec() override {
    if (op.getBool("notify_exec")) {
      context.feedback("jqueue-test", nlohmann::json::array({"exec"}));
    }
    for (const auto& message : op.get("log_messages")) {
      feedback.message(message.is_string() ? message.get<std::string>() : message.dump());
    }
    if (op.getBool("fail")) throw ExecError("Opcode failure was requested");
    return true;
  }
};

}  // namespace

void registerTestJqueue() {
  registerLogicalUnit("OP_TEST_JQUEUE", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuTestJqueue>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
