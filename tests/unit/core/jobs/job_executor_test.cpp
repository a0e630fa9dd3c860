#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "core/jobs/job_queue.h"
#include "jobs_test_support.h"

namespace gantry::core::jobs {
namespace {

using nlohmann::json;
using namespace testing;
using namespace std::chrono_literals;

json query(JobQueue& queue, JobId id, std::vector<std::string> fields) {
  return queue.queryJobs(std::vector<JobId>{id}, fields).at(0);
}

// Blocks until the job's status differs from `from`.
std::string waitStatusChange(JobQueue& queue, JobId id, const std::string& from) {
  for (;;) {
    auto change = queue.waitForChange(id, {"status"}, json::array({from}), std::nullopt, 30s);
    if (change.info[0] != from) return change.info[0];
  }
}

TEST(JobExecutor, RunsOpcodesInOrderToSuccess) {
  Watchdog dog;
  TempDir dir;
  JobQueue queue(testOptions(dir.path()));
  ScriptRunner runner;
  queue.start(runner);
  JobId id = queue.submit({testOp({{"result", 1}}), testOp({{"result", "two"}})});
  EXPECT_EQ(waitFinal(queue, id), OpStatus::kSuccess);
  auto row = query(queue, id, {"opstatus", "opresult", "opstart", "opexec", "opend", "start_ts",
                               "end_ts"});
  EXPECT_EQ(row[0], json::parse(R"(["success", "success"])"));
  EXPECT_EQ(row[1], json::parse(R"([1, "two"])"));
  for (int field = 2; field < 5; ++field) {
    for (const auto& ts : row[field]) EXPECT_EQ(ts.size(), 2u);
  }
  EXPECT_LE(row[2][0], row[3][0]);
  EXPECT_LE(row[3][0], row[4][0]);
  EXPECT_LE(row[4][0], row[2][1]);
  EXPECT_EQ(row[5], row[2][0]);  // job start = first opcode start
  EXPECT_EQ(runner.started(), (std::vector<std::pair<JobId, std::size_t>>{{id, 0}, {id, 1}}));
}

TEST(JobExecutor, FailureFailsTheRestOfTheJob) {
  Watchdog dog;
  TempDir dir;
  JobQueue queue(testOptions(dir.path()));
  ScriptRunner runner;
  queue.start(runner);
  JobId id = queue.submit({testOp(), testOp({{"action", "fail"}, {"message", "disk gone"}}),
                           testOp(), testOp()});
  EXPECT_EQ(waitFinal(queue, id), OpStatus::kError);
  auto row = query(queue, id, {"opstatus", "opresult", "opend"});
  EXPECT_EQ(row[0], json::parse(R"(["success", "error", "error", "error"])"));
  EXPECT_EQ(row[1][1], json::parse(R"(["OpExecError", ["disk gone"]])"));
  EXPECT_EQ(row[1][2], json::parse(R"(["OpExecError", ["Preceding opcode failed"]])"));
  EXPECT_EQ(row[1][3], row[1][2]);
  EXPECT_EQ(runner.started().size(), 2u);  // later opcodes never ran

  JobId thrown = queue.submit({testOp({{"action", "throw"}, {"message", "boom"}})});
  EXPECT_EQ(waitFinal(queue, thrown), OpStatus::kError);
  EXPECT_EQ(query(queue, thrown, {"opresult"})[0][0], json::parse(R"(["OpExecError", ["boom"]])"));
}

TEST(JobExecutor, HigherPriorityStartsFirstWhenWorkersAreBusy) {
  Watchdog dog;
  TempDir dir;
  JobQueue queue(testOptions(dir.path(), 1));
  ScriptRunner runner;
  queue.start(runner);
  JobId busy = queue.submit({testOp({{"action", "gate"}, {"gate", "busy"}})});
  runner.waitStarted(1);
  JobId low = queue.submit({testOp({{"priority", 10}})});
  JobId normal1 = queue.submit({testOp()});
  JobId high = queue.submit({testOp({{"priority", -10}})});
  JobId normal2 = queue.submit({testOp()});
  EXPECT_EQ(query(queue, high, {"priority"})[0], -10);
  runner.gate("busy").open();
  for (JobId id : {busy, low, normal1, high, normal2}) waitFinal(queue, id);
  std::vector<JobId> order;
  for (auto [id, index] : runner.started()) order.push_back(id);
  EXPECT_EQ(order, (std::vector<JobId>{busy, high, normal1, normal2, low}));
}

TEST(JobExecutor, ChangePriorityReordersAndAnswersLikeGaneti) {
  Watchdog dog;
  TempDir dir;
  JobQueue queue(testOptions(dir.path(), 1));
  ScriptRunner runner;
  queue.start(runner);
  JobId busy = queue.submit({testOp({{"action", "gate"}, {"gate", "busy"}})});
  runner.waitStarted(1);
  JobId first = queue.submit({testOp()});
  JobId second = queue.submit({testOp()});
  auto answer = queue.changePriority(second, -10);
  EXPECT_TRUE(answer.ok);
  EXPECT_EQ(answer.message, "Priorities of pending opcodes for job 3 have been changed to -10");
  EXPECT_EQ(query(queue, second, {"oppriority", "priority"}), json::parse("[[-10], -10]"));
  auto running = queue.changePriority(busy, 10);  // its only opcode runs
  EXPECT_FALSE(running.ok);
  EXPECT_EQ(running.message, "Job 1 had no pending opcodes");
  runner.gate("busy").open();
  for (JobId id : {busy, first, second}) waitFinal(queue, id);
  std::vector<JobId> order;
  for (auto [id, index] : runner.started()) order.push_back(id);
  EXPECT_EQ(order, (std::vector<JobId>{busy, second, first}));
  EXPECT_EQ(queue.changePriority(first, 0).message, "Job 2 not found in queue");
  EXPECT_EQ(queue.changePriority(99, 0).message, "Job 99 not found in queue");
}

TEST(JobExecutor, JobWaitingOnDependencyDoesNotHoldAWorker) {
  Watchdog dog;
  TempDir dir;
  JobQueue queue(testOptions(dir.path(), 2));
  ScriptRunner runner;
  // Submit before starting so the high-priority dependant is picked first.
  JobId a = queue.submit({testOp({{"action", "gate"}, {"gate", "a"}})});
  JobId b = queue.submit(
      {testOp({{"priority", -10}, {"depends", json::array({json::array({a, {"success"}})})}})});
  queue.start(runner);
  runner.waitStarted(1);  // a runs; b waits for it
  EXPECT_EQ(runner.started()[0].first, a);
  EXPECT_EQ(waitStatusChange(queue, b, "queued"), "waiting");
  JobId c = queue.submit({testOp()});
  EXPECT_EQ(waitFinal(queue, c), OpStatus::kSuccess);  // second worker was free
  EXPECT_EQ(query(queue, b, {"status"})[0], "waiting");
  runner.gate("a").open();
  EXPECT_EQ(waitFinal(queue, b), OpStatus::kSuccess);
  EXPECT_EQ(runner.started().back().first, b);
}

TEST(JobExecutor, DependencyOutcomesAndMessages) {
  Watchdog dog;
  TempDir dir;
  std::mutex log_mu;
  std::vector<std::string> log;
  auto options = testOptions(dir.path());
  options.log = [&](sdk::LogLevel, const std::string& text) {
    std::lock_guard lk(log_mu);
    log.push_back(text);
  };
  options.workers = 1;
  JobQueue queue(options);
  ScriptRunner runner;
  queue.start(runner);
  auto dep = [](JobId id, json statuses) {
    return json::array({json::array({id, statuses})});
  };
  JobId failed = queue.submit({testOp({{"action", "fail"}})});
  JobId ok = queue.submit({testOp()});
  waitFinal(queue, failed);
  waitFinal(queue, ok);

  JobId wrong = queue.submit({testOp({{"depends", dep(failed, {"success"})}}), testOp()});
  EXPECT_EQ(waitFinal(queue, wrong), OpStatus::kError);
  EXPECT_EQ(query(queue, wrong, {"opresult"})[0],
            json::parse(R"([["OpExecError", ["Dependency job 1 finished with status 'error', )"
                        R"(not one of 'success' as required"]],)"
                        R"( ["OpExecError", ["Preceding opcode failed"]]])"));

  JobId accepted = queue.submit({testOp({{"depends", dep(failed, {"error", "success"})}})});
  EXPECT_EQ(waitFinal(queue, accepted), OpStatus::kSuccess);

  JobId unknown = queue.submit({testOp({{"depends", dep(99, json::array())}})});
  EXPECT_EQ(waitFinal(queue, unknown), OpStatus::kError);
  EXPECT_EQ(query(queue, unknown, {"opresult"})[0][0],
            json::parse(R"(["OpExecError", ["Dependency error: Job 99 not found"]])"));

  JobId self = queue.lastJobId() + 1;
  EXPECT_EQ(queue.submit({testOp({{"depends", dep(self, json::array())}})}), self);
  EXPECT_EQ(waitFinal(queue, self), OpStatus::kError);
  EXPECT_EQ(query(queue, self, {"opresult"})[0][0],
            json::parse(R"(["OpExecError", ["Job can't depend on itself"]])"));

  // A canceled dependency cancels the job unless "canceled" is accepted.
  JobId gate = queue.submit({testOp({{"action", "gate"}, {"gate", "g"}})});
  waitStatusChange(queue, gate, "queued");  // holds the only worker
  JobId victim = queue.submit({testOp()});
  auto canceled_victim = queue.cancel(victim);
  ASSERT_TRUE(canceled_victim.ok) << canceled_victim.message;
  runner.gate("g").open();
  JobId follows = queue.submit({testOp({{"depends", dep(victim, {"success"})}})});
  EXPECT_EQ(waitFinal(queue, follows), OpStatus::kCanceled);
  EXPECT_EQ(query(queue, follows, {"opresult"})[0], json::parse(R"(["Job canceled by request"])"));
  JobId tolerant = queue.submit({testOp({{"depends", dep(victim, {"canceled"})}})});
  EXPECT_EQ(waitFinal(queue, tolerant), OpStatus::kSuccess);

  // Archived dependencies are still found.
  ASSERT_TRUE(queue.archive(ok));
  JobId after_archive = queue.submit({testOp({{"depends", dep(ok, {"success"})}})});
  EXPECT_EQ(waitFinal(queue, after_archive), OpStatus::kSuccess);

  std::lock_guard lk(log_mu);
  auto has = [&](const std::string& text) {
    return std::any_of(log.begin(), log.end(),
                       [&](const std::string& l) { return l.find(text) != std::string::npos; });
  };
  EXPECT_TRUE(has("Dependency job 2 finished with status 'success'"));
  EXPECT_TRUE(has("Dependency job " + std::to_string(victim) + " was cancelled"));
}

TEST(JobExecutor, WaitingDependantRunsWhenItsDependencyFinishes) {
  Watchdog dog;
  TempDir dir;
  std::mutex log_mu;
  std::vector<std::string> log;
  auto options = testOptions(dir.path());
  options.log = [&](sdk::LogLevel, const std::string& text) {
    std::lock_guard lk(log_mu);
    log.push_back(text);
  };
  JobQueue queue(options);
  ScriptRunner runner;
  queue.start(runner);
  auto results = queue.submitMany(
      {{testOp({{"action", "gate"}, {"gate", "first"}})},
       {testOp({{"depends", json::parse(R"([[-1, ["success"]]])")}})}});
  JobId first = results[0].id;
  JobId second = results[1].id;
  EXPECT_EQ(waitStatusChange(queue, second, "queued"), "waiting");
  // "waiting" is shown as the job is picked up; the dependency check that
  // parks it follows. Only once it has logged does the first job go on.
  const std::string parked =
      "Need to wait for job " + std::to_string(first) + ", wanted status '['success']'";
  auto logged = [&] {
    std::lock_guard lk(log_mu);
    return std::any_of(log.begin(), log.end(), [&](const std::string& l) {
      return l.find(parked) != std::string::npos;
    });
  };
  for (int i = 0; i < 5000 && !logged(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_TRUE(logged());
  runner.gate("first").open();
  EXPECT_EQ(waitFinal(queue, second), OpStatus::kSuccess);
}

TEST(JobExecutor, CancelQueuedJobDequeuesIt) {
  Watchdog dog;
  TempDir dir;
  JobQueue queue(testOptions(dir.path()));  // not started: jobs stay queued
  JobId id = queue.submit({testOp(), testOp()});
  auto answer = queue.cancel(id);
  EXPECT_TRUE(answer.ok);
  EXPECT_EQ(answer.message, "Dequeued job 1");
  auto row = query(queue, id, {"status", "opstatus", "opresult", "opend", "end_ts", "start_ts"});
  EXPECT_EQ(row[0], "canceled");
  EXPECT_EQ(row[1], json::parse(R"(["canceled", "canceled"])"));
  EXPECT_EQ(row[2], json::parse("[null, null]"));
  EXPECT_EQ(row[3][0], row[4]);
  EXPECT_TRUE(row[5].is_null());
  EXPECT_EQ(queue.cancel(id).message, "Job 1 not found in queue");
  EXPECT_EQ(queue.cancel(50).message, "Job 50 not found in queue");
}

TEST(JobExecutor, CancelWhileWaitingForLocks) {
  Watchdog dog;
  TempDir dir;
  JobQueue queue(testOptions(dir.path()));
  ScriptRunner runner;
  queue.start(runner);
  JobId id = queue.submit({testOp({{"action", "gate"}, {"gate", "locks"}, {"wait_locks", true}}),
                           testOp()});
  runner.waitStarted(1);
  auto answer = std::async(std::launch::async, [&] { return queue.cancel(id); });
  EXPECT_EQ(waitStatusChange(queue, id, "waiting"), "canceling");
  runner.gate("locks").open();  // the "lock" arrives; markRunning refuses
  auto result = answer.get();
  EXPECT_TRUE(result.ok);
  EXPECT_EQ(result.message, "Job successfully cancelled");
  auto row = query(queue, id, {"status", "opstatus", "opresult", "opexec"});
  EXPECT_EQ(row[0], "canceled");
  EXPECT_EQ(row[1], json::parse(R"(["canceled", "canceled"])"));
  EXPECT_EQ(row[2][0], "Job canceled by request");
  EXPECT_TRUE(row[3][0].is_null());
  EXPECT_EQ(runner.started().size(), 1u);
}

TEST(JobExecutor, CancelWaitingForLocksTimesOutWhenRunnerIgnoresIt) {
  Watchdog dog;
  TempDir dir;
  auto options = testOptions(dir.path());
  options.cancel_timeout = 20ms;
  JobQueue queue(options);
  ScriptRunner runner;
  queue.start(runner);
  JobId id = queue.submit({testOp({{"action", "gate"}, {"gate", "locks"}, {"wait_locks", true}})});
  runner.waitStarted(1);
  auto result = queue.cancel(id);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.message, "Job could not be canceled, status canceling");
  runner.gate("locks").open();
  EXPECT_EQ(waitFinal(queue, id), OpStatus::kCanceled);
}

TEST(JobExecutor, CancelRunningOpcodeIsRefusedButStopsTheRest) {
  Watchdog dog;
  TempDir dir;
  JobQueue queue(testOptions(dir.path()));
  ScriptRunner runner;
  queue.start(runner);
  JobId id = queue.submit({testOp({{"action", "gate"}, {"gate", "run"}}), testOp()});
  runner.waitStarted(1);
  EXPECT_EQ(waitStatusChange(queue, id, "waiting"), "running");
  auto answer = queue.cancel(id);
  EXPECT_FALSE(answer.ok);
  EXPECT_EQ(answer.message, "Job no longer waiting, can't cancel (informed it anyway)");
  runner.gate("run").open();
  EXPECT_EQ(waitFinal(queue, id), OpStatus::kCanceled);
  EXPECT_EQ(query(queue, id, {"opstatus"})[0], json::parse(R"(["success", "canceled"])"));
  EXPECT_EQ(runner.started().size(), 1u);
}

TEST(JobExecutor, CancelRunningCancellableOpcode) {
  Watchdog dog;
  TempDir dir;
  JobQueue queue(testOptions(dir.path()));
  ScriptRunner runner;
  queue.start(runner);
  JobId id = queue.submit({testOp({{"action", "cancellable"}}), testOp()});
  runner.waitStarted(1);
  EXPECT_EQ(waitStatusChange(queue, id, "waiting"), "running");
  auto answer = queue.cancel(id);
  EXPECT_TRUE(answer.ok);
  EXPECT_EQ(answer.message, "Job successfully cancelled");
  EXPECT_EQ(query(queue, id, {"opstatus", "opresult"}),
            json::parse(R"([["canceled", "canceled"],
                            ["Job canceled by request", "Job canceled by request"]])"));
}

TEST(JobExecutor, CancelJobWaitingForDependency) {
  Watchdog dog;
  TempDir dir;
  JobQueue queue(testOptions(dir.path()));
  ScriptRunner runner;
  queue.start(runner);
  JobId a = queue.submit({testOp({{"action", "gate"}, {"gate", "a"}})});
  JobId b = queue.submit({testOp({{"depends", json::array({json::array({a, json::array()})})}})});
  EXPECT_EQ(waitStatusChange(queue, b, "queued"), "waiting");
  auto answer = queue.cancel(b);
  EXPECT_TRUE(answer.ok);
  EXPECT_EQ(answer.message, "Job successfully cancelled");
  EXPECT_EQ(query(queue, b, {"status"})[0], "canceled");
  runner.gate("a").open();
  EXPECT_EQ(waitFinal(queue, a), OpStatus::kSuccess);
  EXPECT_EQ(runner.started().size(), 1u);
}

TEST(JobExecutor, ChildJobsInheritAndResolveRelativeDepends) {
  Watchdog dog;
  TempDir dir;
  JobQueue queue(testOptions(dir.path()));
  ScriptRunner runner;
  json children;
  runner.hook = [&](const json& op, OpContext& ctx) {
    if (op["OP_ID"] != "OP_CLUSTER_VERIFY") return;
    EXPECT_EQ(ctx.priority(), -10);
    ctx.setPriority(-11);
    EXPECT_EQ(ctx.priority(), -11);
    children = ctx.submitJobs(
        {{json{{"OP_ID", "OP_CLUSTER_VERIFY_CONFIG"}, {"reason", json::array()}}},
         {json{{"OP_ID", "OP_CLUSTER_VERIFY_GROUP"},
               {"reason", json::array()},
               {"comment", "mine"},
               {"depends", json::parse("[[-1, []]]")}}}});
  };
  queue.start(runner);
  json parent = testOp({{"OP_ID", "OP_CLUSTER_VERIFY"}, {"priority", -10}, {"debug_level", 2}});
  parent["reason"] = json::array({json::array({"gnt:client:gnt-cluster", "verify", 1})});
  JobId id = queue.submit({parent});
  EXPECT_EQ(waitFinal(queue, id), OpStatus::kSuccess);
  ASSERT_EQ(children, json::array({json::array({true, id + 1}), json::array({true, id + 2})}));
  for (JobId child : {id + 1, id + 2}) EXPECT_EQ(waitFinal(queue, child), OpStatus::kSuccess);
  auto config = queue.getJob(id + 1)->job.ops[0].input;
  auto group = queue.getJob(id + 2)->job.ops[0].input;
  EXPECT_EQ(config["comment"], "Submitted by OP_CLUSTER_VERIFY");
  EXPECT_EQ(config["debug_level"], 2);
  EXPECT_EQ(config["priority"], -10);
  EXPECT_EQ(group["comment"], "mine");
  EXPECT_EQ(group["depends"], json::parse("[[" + std::to_string(id + 1) + ", []]]"));
  // Own trail, then the parent's (with its opcode element), then the queue's.
  ASSERT_EQ(config["reason"].size(), 3u);
  EXPECT_EQ(config["reason"][0][0], "gnt:client:gnt-cluster");
  EXPECT_EQ(config["reason"][1][0], "gnt:opcode:cluster_verify");
  EXPECT_EQ(config["reason"][2][0], "gnt:opcode:cluster_verify_config");
  EXPECT_EQ(query(queue, id, {"oppriority"})[0], json::parse("[-11]"));
}

}  // namespace
}  // namespace gantry::core::jobs
