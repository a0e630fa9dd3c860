// Jobs a logical unit asks for (Ganeti's ResultWithJobs) are submitted
// after it succeeds, with relative dependencies resolved, and their ids
// appear under "jobs" in its result. Stand-in logical unit:
// OP_CLUSTER_VERIFY_DISKS submitting two OP_TEST_DELAY jobs.
#include <gtest/gtest.h>

#include "daemon/master/lu/logical_unit.h"
#include "master/master_test_support.h"

namespace gantry::daemon::master {
namespace {

using core::jobs::OpStatus;
using testing::MasterHarness;

class LuSubmitsTwoJobs : public LogicalUnit {
 public:
  using LogicalUnit::LogicalUnit;
  nlohmann::json exec() override {
    nlohmann::json first = {{"OP_ID", "OP_TEST_DELAY"}, {"duration", 0}};
    nlohmann::json second = first;
    second["depends"] = nlohmann::json::array({nlohmann::json::array({-1, {"success"}})});
    jobsToSubmit = {{first}, {second}};
    if (failAfterAsking) throw ExecError("changed my mind");
    return {{"groups", 1}};
  }
  static inline bool failAfterAsking = false;
};

class ProcessorJobs : public ::testing::Test {
 protected:
  void SetUp() override {
    registerAllLogicalUnits();
    registerLogicalUnit("OP_CLUSTER_VERIFY_DISKS",
                        [](const auto& op, auto& services, auto& ctx) {
                          return std::make_unique<LuSubmitsTwoJobs>(op, services, ctx);
                        });
    LuSubmitsTwoJobs::failAfterAsking = false;
  }
};

TEST_F(ProcessorJobs, SubmittedJobsRunInDependencyOrderAndTheirIdsAreInTheResult) {
  MasterHarness master;
  auto parent = master.waitFinal(master.submit({{{"OP_ID", "OP_CLUSTER_VERIFY_DISKS"}}}));
  ASSERT_EQ(parent.status(), OpStatus::kSuccess) << parent.ops[0].result.dump();

  const nlohmann::json& result = parent.ops[0].result;
  EXPECT_EQ(result["groups"], 1);
  ASSERT_EQ(result["jobs"].size(), 2u) << result.dump();
  ASSERT_EQ(result["jobs"][0][0], true);
  ASSERT_EQ(result["jobs"][1][0], true);
  const auto first = result["jobs"][0][1].get<core::jobs::JobId>();
  const auto second = result["jobs"][1][1].get<core::jobs::JobId>();
  EXPECT_EQ(second, first + 1);
  EXPECT_GT(first, parent.id);

  auto firstJob = master.waitFinal(first);
  auto secondJob = master.waitFinal(second);
  EXPECT_EQ(firstJob.status(), OpStatus::kSuccess);
  EXPECT_EQ(secondJob.status(), OpStatus::kSuccess);
  // The relative dependency now names the first job.
  EXPECT_EQ(secondJob.ops[0].input["depends"][0][0], first);
  EXPECT_EQ(secondJob.ops[0].input["comment"], "Submitted by OP_CLUSTER_VERIFY_DISKS");
  ASSERT_TRUE(firstJob.end_timestamp && secondJob.ops[0].exec_timestamp);
  EXPECT_LE(*firstJob.end_timestamp, *secondJob.ops[0].exec_timestamp);
}

TEST_F(ProcessorJobs, AFailedOpcodeSubmitsNothing) {
  MasterHarness master;
  LuSubmitsTwoJobs::failAfterAsking = true;
  auto parent = master.waitFinal(master.submit({{{"OP_ID", "OP_CLUSTER_VERIFY_DISKS"}}}));
  ASSERT_EQ(parent.status(), OpStatus::kError);
  EXPECT_EQ(parent.ops[0].result[1][0], "changed my mind");
  EXPECT_EQ(master.queue().lastJobId(), parent.id);
}

TEST_F(ProcessorJobs, DryRunSubmitsNothing) {
  MasterHarness master;
  auto parent = master.waitFinal(
      master.submit({{{"OP_ID", "OP_CLUSTER_VERIFY_DISKS"}, {"dry_run", true}}}));
  ASSERT_EQ(parent.status(), OpStatus::kSuccess);
  EXPECT_TRUE(parent.ops[0].result.is_null());
  EXPECT_EQ(master.queue().lastJobId(), parent.id);
  auto lines = master.messages(parent);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("dry-run mode requested, not actually executing the operation"),
            std::string::npos);
}

}  // namespace
}  // namespace gantry::daemon::master
