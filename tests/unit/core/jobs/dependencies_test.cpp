#include "core/jobs/dependencies.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace gantry::core::jobs {
namespace {

using nlohmann::json;

TEST(Dependencies, ParsesAndResolvesRelativeIds) {
  json op = json::parse(R"({"OP_ID": "OP_X", "depends": [[-1, ["success"]], [7, []], "junk"]})");
  resolveRelativeDependencies(op, 10);
  EXPECT_EQ(op["depends"][0][0], 9);
  EXPECT_EQ(op["depends"][1][0], 7);
  auto deps = opcodeDependencies(op);
  ASSERT_EQ(deps.size(), 2u);
  EXPECT_EQ(deps[0].job, 9);
  EXPECT_EQ(deps[0].statuses, std::vector<std::string>{"success"});
  EXPECT_TRUE(deps[1].statuses.empty());
  EXPECT_TRUE(opcodeDependencies(json::parse(R"({"depends": null})")).empty());
}

TEST(Dependencies, MessagesAreGanetis) {
  Dependency dep{5, {"success"}};
  auto self = checkDependency(5, dep, OpStatus::kRunning);
  EXPECT_EQ(self.outcome, DependencyOutcome::kError);
  EXPECT_EQ(self.message, "Job can't depend on itself");

  auto unknown = checkDependency(9, dep, std::nullopt);
  EXPECT_EQ(unknown.outcome, DependencyOutcome::kError);
  EXPECT_EQ(unknown.message, "Dependency error: Job 5 not found");

  auto wait = checkDependency(9, dep, OpStatus::kRunning);
  EXPECT_EQ(wait.outcome, DependencyOutcome::kWait);
  EXPECT_EQ(wait.message, "Need to wait for job 5, wanted status '['success']'");

  auto canceled = checkDependency(9, dep, OpStatus::kCanceled);
  EXPECT_EQ(canceled.outcome, DependencyOutcome::kCancel);
  EXPECT_EQ(canceled.message, "Dependency job 5 was cancelled");

  auto ok = checkDependency(9, dep, OpStatus::kSuccess);
  EXPECT_EQ(ok.outcome, DependencyOutcome::kContinue);
  EXPECT_EQ(ok.message, "Dependency job 5 finished with status 'success'");

  Dependency two{5, {"success", "canceled"}};
  auto wrong = checkDependency(9, two, OpStatus::kError);
  EXPECT_EQ(wrong.outcome, DependencyOutcome::kError);
  EXPECT_EQ(wrong.message,
            "Dependency job 5 finished with status 'error', not one of 'success, canceled' "
            "as required");
  EXPECT_EQ(checkDependency(9, two, OpStatus::kCanceled).outcome, DependencyOutcome::kContinue);

  Dependency any{5, {}};
  EXPECT_EQ(checkDependency(9, any, OpStatus::kError).outcome, DependencyOutcome::kContinue);
  EXPECT_EQ(checkDependency(9, any, OpStatus::kCanceled).outcome, DependencyOutcome::kCancel);
  EXPECT_EQ(checkDependency(9, any, OpStatus::kQueued).message,
            "Need to wait for job 5, wanted status '[]'");
}

}  // namespace
}  // namespace gantry::core::jobs
