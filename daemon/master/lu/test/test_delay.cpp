// OP_TEST_DELAY: sleeps on the master (and, with node daemons, on nodes).
// Used by `gnt-debug delay` and by anyone testing the job machinery.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "daemon/master/lu/logical_unit.h"

namespace gantry::daemon::master {
namespace {

class LuTestDelay : public LogicalUnit {
 public:
  using LogicalUnit::LogicalUnit;

  // Ganeti's LUTestDelay does not need the BGL exclusively.
  bool requiresBgl() const override { return false; }
  bool cancellableWhileRunning() const override { return interruptible_; }

  void expandNames() override {
    interruptible_ = op.getBool("interruptible");
    duration_ = op.getDouble("duration");
    if (duration_ < 0) {
      throw PrereqError("Parameter 'OP_TEST_DELAY.duration' fails validation: "
                        "expected a non-negative number");
    }
    if (!op.get("on_nodes").empty()) {
      throw PrereqError("Test delay on nodes is not implemented yet",
                        sdk::ErrorCode::kInvalid);
    }
  }

  nlohmann::json exec() override {
    const std::int64_t repeat = op.getInt("repeat");
    if (repeat == 0) {
      delay();
    } else {
      for (std::int64_t i = 0; i < repeat; ++i) {
        feedback.info("Test delay iteration " + std::to_string(i) + "/" +
                      std::to_string(repeat - 1));
        delay();
      }
    }
    return nullptr;
  }

 private:
  void delay() {
    if (!op.getBool("on_master")) return;
    const auto end = std::chrono::steady_clock::now() +
                     std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                         std::chrono::duration<double>(duration_));
    // Sleep in short slices so an interruptible delay stops when canceled.
    while (std::chrono::steady_clock::now() < end) {
      // True only for an interruptible delay, or when the job is killed.
      if (context.cancelRequested()) {
        throw CanceledError();
      }
      auto left = end - std::chrono::steady_clock::now();
      std::this_thread::sleep_for(
          std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(20)));
    }
  }

  bool interruptible_ = false;
  double duration_ = 0;
};

}  // namespace

void registerTestDelay() {
  registerLogicalUnit("OP_TEST_DELAY", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuTestDelay>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
