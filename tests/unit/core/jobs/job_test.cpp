#include "core/jobs/job.h"

#include <gtest/gtest.h>

namespace gantry::core::jobs {
namespace {

using S = OpStatus;

Job jobWith(std::vector<OpStatus> statuses) {
  Job job;
  job.id = 1;
  for (auto s : statuses) {
    QueuedOpcode op;
    op.status = s;
    job.ops.push_back(op);
  }
  return job;
}

TEST(JobStatusRule, FollowsGanetisScan) {
  struct Case {
    std::vector<OpStatus> ops;
    OpStatus expected;
  };
  std::vector<Case> cases = {
      {{S::kQueued, S::kQueued}, S::kQueued},
      {{S::kSuccess, S::kSuccess}, S::kSuccess},
      {{}, S::kSuccess},
      {{S::kSuccess, S::kQueued}, S::kQueued},
      {{S::kSuccess, S::kWaiting, S::kQueued}, S::kWaiting},
      {{S::kSuccess, S::kRunning, S::kQueued}, S::kRunning},
      {{S::kWaiting, S::kRunning}, S::kRunning},  // last waiting/running wins
      {{S::kRunning, S::kWaiting}, S::kWaiting},
      {{S::kSuccess, S::kError, S::kError}, S::kError},
      {{S::kRunning, S::kError}, S::kError},
      {{S::kCanceling, S::kCanceling}, S::kCanceling},
      {{S::kSuccess, S::kCanceled, S::kError}, S::kCanceled},  // first decisive wins
      {{S::kError, S::kCanceled}, S::kError},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(jobWith(c.ops).status(), c.expected);
    EXPECT_EQ(jobStatusFromOpcodes(c.ops), c.expected);
  }
}

TEST(JobStatusRule, NamesRoundTripInOrder) {
  std::vector<std::string> names = {"queued",   "waiting", "canceling", "running",
                                    "canceled", "success", "error"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto s = static_cast<OpStatus>(i);
    EXPECT_EQ(statusName(s), names[i]);
    EXPECT_EQ(parseStatus(names[i]), s);
  }
  EXPECT_FALSE(parseStatus("waitlock").has_value());
  EXPECT_TRUE(isFinalized(S::kCanceled));
  EXPECT_FALSE(isFinalized(S::kRunning));
  EXPECT_TRUE(isPending(S::kCanceling));
  EXPECT_FALSE(isPending(S::kRunning));
}

TEST(JobModel, PriorityIsMinimumOfUnfinalizedOpcodes) {
  Job job = jobWith({S::kSuccess, S::kWaiting, S::kQueued});
  job.ops[0].priority = -20;  // finalized: ignored
  job.ops[1].priority = 10;
  job.ops[2].priority = 5;
  EXPECT_EQ(job.priority(), 5);
  Job done = jobWith({S::kSuccess});
  done.ops[0].priority = 10;
  EXPECT_EQ(done.priority(), kPriorityDefault);
}

TEST(JobModel, LogsAfterSerialSpanOpcodes) {
  Job job = jobWith({S::kSuccess, S::kRunning});
  job.ops[0].log.push_back({1, {10, 0}, "message", "a"});
  job.ops[0].log.push_back({2, {11, 0}, "message", "b"});
  job.ops[1].log.push_back({3, {12, 0}, "message", "c"});
  EXPECT_EQ(job.lastLogSerial(), 3);
  EXPECT_EQ(job.logsAfter(std::nullopt).size(), 3u);
  auto after = job.logsAfter(1);
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].message, "b");
  EXPECT_EQ(after[1].toJson(), nlohmann::json::parse(R"([3, [12, 0], "message", "c"])"));
  EXPECT_TRUE(job.logsAfter(3).empty());
}

TEST(JobModel, MarkUnfinishedOpsLeavesFinalizedOnes) {
  Job job = jobWith({S::kSuccess, S::kRunning, S::kQueued});
  job.markUnfinishedOps(S::kError, "x", std::nullopt);
  EXPECT_EQ(job.ops[0].status, S::kSuccess);
  EXPECT_EQ(job.ops[1].status, S::kError);
  EXPECT_EQ(job.ops[2].result, "x");
  EXPECT_FALSE(job.ops[2].end_timestamp.has_value());
  EXPECT_EQ(job.nextOpcodeIndex(), 3u);
}

}  // namespace
}  // namespace gantry::core::jobs
