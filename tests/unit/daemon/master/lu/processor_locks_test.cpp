// Jobs on different instances run at the same time; jobs on the same
// instance take turns. Stand-in logical unit: OP_INSTANCE_STARTUP that
// locks its instance exclusively and meets the others at a barrier.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include <gtest/gtest.h>

#include "daemon/master/lu/logical_unit.h"
#include "master/master_test_support.h"

namespace gantry::daemon::master {
namespace {

using testing::MasterHarness;
using testing::MasterHarnessOptions;

// Counts who is inside exec(); `meet` waits until `expected` are inside
// at once (true) or `limit` passes (false).
struct Meeting {
  std::mutex mu;
  std::condition_variable cv;
  int inside = 0;
  int most = 0;

  bool meet(int expected, std::chrono::milliseconds limit) {
    std::unique_lock lock(mu);
    ++inside;
    most = std::max(most, inside);
    cv.notify_all();
    bool met = cv.wait_for(lock, limit, [&] { return most >= expected; });
    --inside;
    return met;
  }
};

Meeting* gMeeting = nullptr;
int gExpected = 0;
std::chrono::milliseconds gLimit{0};

class LuMeetOnInstance : public LogicalUnit {
 public:
  using LogicalUnit::LogicalUnit;
  bool requiresBgl() const override { return false; }
  void expandNames() override {
    neededLocks[core::locking::Level::kInstance].names = {op.getString("instance_name")};
  }
  nlohmann::json exec() override { return gMeeting->meet(gExpected, gLimit); }
};

nlohmann::json startup(const std::string& instance) {
  return {{"OP_ID", "OP_INSTANCE_STARTUP"}, {"instance_name", instance}};
}

class ProcessorLocks : public ::testing::Test {
 protected:
  void SetUp() override {
    registerLogicalUnit("OP_INSTANCE_STARTUP",
                        [](const auto& op, auto& services, auto& ctx) {
                          return std::make_unique<LuMeetOnInstance>(op, services, ctx);
                        });
    gMeeting = &meeting_;
  }
  void TearDown() override { gMeeting = nullptr; }

  Meeting meeting_;
};

TEST_F(ProcessorLocks, JobsOnDisjointInstancesHoldTheirLocksAtOnce) {
  constexpr int kJobs = 8;
  MasterHarnessOptions options;
  options.workers = kJobs;
  for (int i = 0; i < kJobs; ++i) options.locks.instances.push_back("inst" + std::to_string(i));
  MasterHarness master(options);
  gExpected = kJobs;
  gLimit = std::chrono::seconds(15);  // only reached if the barrier never opens

  std::vector<core::jobs::JobId> ids;
  for (int i = 0; i < kJobs; ++i) ids.push_back(master.submit({startup("inst" + std::to_string(i))}));
  for (auto id : ids) {
    auto job = master.waitFinal(id);
    ASSERT_EQ(job.status(), core::jobs::OpStatus::kSuccess) << job.ops[0].result.dump();
    EXPECT_EQ(job.ops[0].result, true) << "job " << id << " never met the others";
  }
  EXPECT_EQ(meeting_.most, kJobs);
}

TEST_F(ProcessorLocks, JobsOnTheSameInstanceTakeTurns) {
  constexpr int kJobs = 5;
  MasterHarnessOptions options;
  options.workers = kJobs;
  options.locks.instances = {"inst0", "inst1"};
  MasterHarness master(options);
  // Each waits a moment for company that must never come.
  gExpected = 2;
  gLimit = std::chrono::milliseconds(100);

  std::vector<core::jobs::JobId> ids;
  for (int i = 0; i < kJobs; ++i) ids.push_back(master.submit({startup("inst0")}));
  for (auto id : ids) {
    auto job = master.waitFinal(id);
    ASSERT_EQ(job.status(), core::jobs::OpStatus::kSuccess);
    EXPECT_EQ(job.ops[0].result, false) << "job " << id << " ran beside another on inst0";
  }
  EXPECT_EQ(meeting_.most, 1);
}

TEST_F(ProcessorLocks, UnknownInstanceFailsTheOpcodeWithoutRunningIt) {
  MasterHarnessOptions options;
  options.locks.instances = {"inst0"};
  MasterHarness master(options);
  gExpected = 1;
  gLimit = std::chrono::milliseconds(0);

  auto job = master.waitFinal(master.submit({startup("nosuch")}));
  ASSERT_EQ(job.status(), core::jobs::OpStatus::kError);
  EXPECT_EQ(job.ops[0].result[0], "OpPrereqError") << job.ops[0].result.dump();
  EXPECT_EQ(meeting_.most, 0);
}

}  // namespace
}  // namespace gantry::daemon::master
