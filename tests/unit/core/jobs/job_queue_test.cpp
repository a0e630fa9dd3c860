#include "core/jobs/job_queue.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <future>

#include "core/jobs/job_file.h"
#include "jobs_test_support.h"

namespace gantry::core::jobs {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace testing;
using namespace std::chrono_literals;

TEST(JobQueue, SubmitWritesQueuedJobWithReasonTrail) {
  Watchdog dog;
  TempDir dir(false);  // the real disk: exercises the fsync path
  JobQueue queue(testOptions(dir.path()));
  json op = testOp({{"OP_ID", "OP_INSTANCE_STARTUP"}, {"priority", -10}});
  op["reason"] = json::array({json::array({"gnt:client:gnt-instance", "startup", 5})});
  JobId id = queue.submit({op, testOp()});
  EXPECT_EQ(id, 1);

  queue.flush();
  Job job = parseJob(readText(queue.dir().liveJobFile(id)));
  EXPECT_EQ(job.id, 1);
  EXPECT_EQ(job.status(), OpStatus::kQueued);
  ASSERT_TRUE(job.received_timestamp.has_value());
  EXPECT_FALSE(job.start_timestamp.has_value());
  EXPECT_EQ(job.ops[0].priority, -10);
  EXPECT_EQ(job.ops[1].priority, 0);
  const json& reason = job.ops[0].input["reason"];
  ASSERT_EQ(reason.size(), 2u);
  EXPECT_EQ(reason[1][0], "gnt:opcode:instance_startup");
  EXPECT_EQ(reason[1][1], "job=1;index=0");
  EXPECT_EQ(reason[1][2].get<std::int64_t>(), job.received_timestamp->nanoseconds());
  EXPECT_EQ(job.ops[1].input["reason"][0][0], "gnt:opcode:test_dummy");
  EXPECT_EQ(job.ops[1].input["reason"][0][1], "job=1;index=1");
  EXPECT_EQ(readText(queue.dir().serialFile()), "1\n");
  EXPECT_EQ(readText(queue.dir().versionFile()), "1\n");
}

TEST(JobQueue, IdsGrowAcrossReopenAndSecondOwnerIsRefused) {
  Watchdog dog;
  TempDir dir(false);
  JobId last = 0;
  {
    JobQueue queue(testOptions(dir.path()));
    EXPECT_THROW(JobQueue second(testOptions(dir.path())), QueueLockedError);
    last = queue.submit({testOp()});
    auto many = queue.submitMany({{testOp()}, {testOp()}});
    ASSERT_TRUE(many[1].ok);
    EXPECT_EQ(many[0].id, last + 1);
    last = many[1].id;
    // Archiving removes the live file: ids must still not come back.
    queue.cancel(last);
    ASSERT_TRUE(queue.archive(last));
  }
  JobQueue reopened(testOptions(dir.path()));
  EXPECT_EQ(reopened.lastJobId(), last);
  EXPECT_EQ(reopened.submit({testOp()}), last + 1);
  reopened.flush();
  EXPECT_EQ(readText(reopened.dir().serialFile()), std::to_string(last + 1) + "\n");
}

TEST(JobQueue, DrainRefusesSubmitButNotTheDrainedVariant) {
  TempDir dir;
  JobQueue queue(testOptions(dir.path()));
  queue.setDrainFlag(true);
  EXPECT_TRUE(fs::exists(dir.path() / "drain"));
  EXPECT_TRUE(queue.drained());
  try {
    queue.submit({testOp()});
    FAIL() << "submit on a drained queue";
  } catch (const JobQueueError& e) {
    EXPECT_EQ(e.encoded(), json::parse(R"(["GenericError", ["Queue drained"]])"));
  }
  EXPECT_THROW(queue.submitMany({{testOp()}}), JobQueueError);
  EXPECT_EQ(queue.lastJobId(), 0);
  EXPECT_EQ(queue.submitToDrainedQueue({testOp()}), 1);
  queue.setDrainFlag(false);
  EXPECT_FALSE(fs::exists(dir.path() / "drain"));
  EXPECT_EQ(queue.submit({testOp()}), 2);
}

TEST(JobQueue, FullQueueAndInvalidInputAllocateNothing) {
  TempDir dir;
  auto options = testOptions(dir.path());
  options.max_jobs = 3;
  options.validate = [](const json& op) {
    if (!op.contains("reason")) throw std::invalid_argument("Failed to parse request: no reason");
  };
  JobQueue queue(options);
  EXPECT_THROW(queue.submit({json{{"OP_ID", "OP_X"}}}), std::invalid_argument);
  EXPECT_THROW(queue.submit({}), JobQueueError);
  queue.submit({testOp()});
  queue.submit({testOp()});
  try {
    queue.submitMany({{testOp()}, {testOp()}});
    FAIL() << "over the limit";
  } catch (const JobQueueError& e) {
    EXPECT_EQ(e.encoded(), json::parse(R"(["JobQueueFull", []])"));
  }
  queue.submit({testOp()});
  EXPECT_THROW(queue.submit({testOp()}), JobQueueError);
  EXPECT_EQ(queue.lastJobId(), 3);
  EXPECT_EQ(queue.liveJobCount(), 3u);
}

TEST(JobQueue, SubmitManyMakesRelativeDependsAbsolute) {
  TempDir dir;
  JobQueue queue(testOptions(dir.path()));
  queue.submit({testOp()});
  auto results = queue.submitMany(
      {{testOp()}, {testOp({{"depends", json::parse(R"([[-1, ["success"]]])")}})}});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(submitResultsJson(results), json::parse("[[true, 2], [true, 3]]"));
  auto job = queue.getJob(3);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->job.ops[0].input["depends"], json::parse(R"([[2, ["success"]]])"));
}

TEST(JobQueue, QueryJobsFieldsRowsAndErrors) {
  Watchdog dog;
  TempDir dir;
  JobQueue queue(testOptions(dir.path()));
  ScriptRunner runner;
  queue.start(runner);
  JobId id = queue.submit({testOp({{"OP_ID", "OP_TEST_DELAY"}, {"result", 7}})});
  ASSERT_EQ(waitFinal(queue, id), OpStatus::kSuccess);
  auto rows = queue.queryJobs(std::vector<JobId>{id, 99, id},
                              {"id", "status", "opresult", "opstatus", "summary", "priority",
                               "archived", "oppriority"});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], json::parse(R"([1, "success", [7], ["success"], ["TEST_DELAY"], 0, false, [0]])"));
  EXPECT_EQ(rows[1], json::parse("[99, null, null, null, null, null, null, null]"));
  auto ts = queue.queryJobs(std::nullopt, {"received_ts", "start_ts", "end_ts", "opstart",
                                           "opexec", "opend", "oplog", "ops"});
  ASSERT_EQ(ts.size(), 1u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(ts[0][i].size(), 2u);
  for (int i = 3; i < 6; ++i) EXPECT_EQ(ts[0][i][0].size(), 2u);
  EXPECT_EQ(ts[0][6], json::parse("[[]]"));
  EXPECT_EQ(ts[0][7][0]["OP_ID"], "OP_TEST_DELAY");
  try {
    queue.queryJobs(std::nullopt, {"id", "bogus", "x"});
    FAIL() << "unknown field";
  } catch (const JobQueueError& e) {
    EXPECT_EQ(e.encoded(), json::parse(
        R"(["OpPrereqError", ["Unknown output fields selected: bogus, x", "wrong_input"]])"));
  }
}

TEST(JobQueue, SummaryGoesThroughTheCallback) {
  TempDir dir;
  auto options = testOptions(dir.path());
  options.summary = [](const json& op) -> std::string {
    if (!op.is_object()) return "INVALID_OP";
    return op.value("OP_ID", std::string()).substr(3) + "(" + op.value("name", std::string()) + ")";
  };
  JobQueue queue(options);
  JobId id = queue.submit({testOp({{"OP_ID", "OP_INSTANCE_STARTUP"}, {"name", "inst1"}}),
                           json::array({1})});
  auto row = queue.queryJobs(std::vector<JobId>{id}, {"summary"});
  EXPECT_EQ(row[0][0], json::parse(R"j(["INSTANCE_STARTUP(inst1)", "INVALID_OP"])j"));
  EXPECT_EQ(defaultOpcodeSummary(json::array({1})), "INVALID_OP");
  EXPECT_EQ(defaultOpcodeSummary(json{{"OP_ID", "OP_CLUSTER_VERIFY"}}), "CLUSTER_VERIFY");
}

TEST(JobQueue, ArchiveAndAutoArchiveLayout) {
  Watchdog dog;
  TempDir dir;
  JobQueue queue(testOptions(dir.path()));
  ScriptRunner runner;
  queue.start(runner);
  std::vector<JobId> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(queue.submit({testOp()}));
  for (JobId id : ids) ASSERT_EQ(waitFinal(queue, id), OpStatus::kSuccess);
  JobId pending = queue.submit({testOp({{"action", "gate"}, {"gate", "g"}})});
  runner.waitStarted(5);

  EXPECT_FALSE(queue.archive(pending));  // not finalized
  EXPECT_FALSE(queue.archive(12345));
  ASSERT_TRUE(queue.archive(ids[0]));
  EXPECT_FALSE(fs::exists(queue.dir().liveJobFile(ids[0])));
  EXPECT_TRUE(fs::exists(dir.path() / "archive" / "0" / ("job-" + std::to_string(ids[0]))));
  EXPECT_FALSE(queue.archive(ids[0]));
  auto archived = queue.getJob(ids[0]);
  ASSERT_TRUE(archived);
  EXPECT_TRUE(archived->archived);
  EXPECT_EQ(queue.queryJobs(std::vector<JobId>{ids[0]}, {"archived", "status"}),
            json::parse(R"([[true, "success"]])"));
  EXPECT_THROW(queue.waitForChange(ids[0], {"status"}, nullptr, std::nullopt, 10ms),
               JobQueueError);

  // Young jobs stay; "all" (age < 0) takes every finalized job.
  EXPECT_EQ(queue.autoArchive(3600, 10s), std::make_pair(0, 0));
  EXPECT_EQ(queue.autoArchive(-1, 10s), std::make_pair(3, 0));
  EXPECT_EQ(queue.jobIds(false), std::vector<JobId>{pending});
  EXPECT_EQ(queue.jobIds(true).size(), 5u);
  // A zero timeout leaves every job unchecked.
  runner.gate("g").open();
  ASSERT_EQ(waitFinal(queue, pending), OpStatus::kSuccess);
  EXPECT_EQ(queue.autoArchive(-1, std::chrono::milliseconds(-1)), std::make_pair(0, 1));
  // QueryJobs with "archived" lists archived jobs too.
  EXPECT_EQ(queue.queryJobs(std::nullopt, {"id"}).size(), 1u);
  EXPECT_EQ(queue.queryJobs(std::nullopt, {"id", "archived"}).size(), 5u);
}

TEST(JobQueue, ArchiveSubdirectoryIsIdDividedBy10000) {
  TempDir dir;
  fs::create_directories(dir.path());
  {
    std::ofstream(dir.path() / "serial") << "20004\n";
  }
  JobQueue queue(testOptions(dir.path()));
  JobId id = queue.submit({testOp()});
  EXPECT_EQ(id, 20005);
  EXPECT_EQ(queue.cancel(id).message, "Dequeued job 20005");
  ASSERT_TRUE(queue.archive(id));
  EXPECT_TRUE(fs::exists(dir.path() / "archive" / "2" / "job-20005"));
}

TEST(JobQueue, WaitForChangeReturnsAsSoonAsALogLineAppears) {
  Watchdog dog;
  TempDir dir;
  JobQueue queue(testOptions(dir.path()));
  ScriptRunner runner;
  queue.start(runner);
  JobId id = queue.submit(
      {testOp({{"action", "log"}, {"messages", {"first"}}, {"gate", "hold"}})});
  // First call: no previous info -> answers at once with the current status.
  auto first = queue.waitForChange(id, {"status"}, nullptr, std::nullopt, 60s);
  std::optional<std::int64_t> serial;
  json prev = first.info;
  auto start = std::chrono::steady_clock::now();
  bool saw_log = false;
  while (!saw_log) {
    auto change = queue.waitForChange(id, {"status"}, prev, serial, 60s);
    for (const auto& entry : change.logs) {
      EXPECT_EQ(entry[2], "message");
      EXPECT_EQ(entry[3], "first");
      EXPECT_EQ(entry[0], 1);
      serial = entry[0].get<std::int64_t>();
      saw_log = true;
    }
    prev = change.info;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 20s);  // far below the 60 s timeout
  // Nothing new: times out with the same answer.
  auto same = queue.waitForChange(id, {"status"}, prev, serial, 30ms);
  EXPECT_EQ(same.info, prev);
  EXPECT_TRUE(same.logs.empty());
  // Unknown field: every value null.
  auto nulls = queue.waitForChange(id, {"status", "bogus"}, nullptr, serial, 30ms);
  EXPECT_EQ(nulls.info, json::parse("[null, null]"));
  runner.gate("hold").open();
  EXPECT_EQ(waitFinal(queue, id), OpStatus::kSuccess);
  // Finalized: answered at once with all logs when asked for them.
  auto done = queue.waitForChange(id, {"status", "id"}, json::parse(R"(["success", 1])"),
                                  std::nullopt, 60s);
  EXPECT_EQ(done.logs.size(), 1u);
  try {
    queue.waitForChange(777, {"status"}, nullptr, std::nullopt, 10ms);
    FAIL() << "unknown job";
  } catch (const JobQueueError& e) {
    EXPECT_EQ(e.encoded(), json::parse(R"(["JobLost", ["Can't load job file"]])"));
  }
}

}  // namespace
}  // namespace gantry::core::jobs
