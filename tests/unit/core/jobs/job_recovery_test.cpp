#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <random>

#include "core/jobs/job_file.h"
#include "core/jobs/job_queue.h"
#include "jobs_test_support.h"

namespace gantry::core::jobs {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace testing;
using namespace std::chrono_literals;

void writeText(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

Job makeJob(JobId id, std::vector<OpStatus> statuses) {
  Job job;
  job.id = id;
  job.received_timestamp = Timestamp{1000, 1};
  bool started = false;
  for (auto s : statuses) {
    QueuedOpcode op;
    op.input = testOp();
    op.status = s;
    if (s != OpStatus::kQueued) {
      op.start_timestamp = Timestamp{1001, 0};
      started = true;
    }
    if (isFinalized(s)) op.end_timestamp = Timestamp{1002, 0};
    job.ops.push_back(op);
  }
  if (started) job.start_timestamp = Timestamp{1001, 0};
  if (job.finalized()) job.end_timestamp = Timestamp{1002, 0};
  return job;
}

TEST(JobQueueRecovery, FailsStartedJobsKeepsQueuedOnesAndIgnoresTornFiles) {
  Watchdog dog;
  TempDir dir;
  writeText(dir.path() / "serial", "7\n");
  writeText(dir.path() / "job-3", serializeJob(makeJob(3, {OpStatus::kQueued})));
  writeText(dir.path() / "job-4", serializeJob(makeJob(4, {OpStatus::kSuccess, OpStatus::kRunning,
                                                           OpStatus::kQueued})));
  writeText(dir.path() / "job-5", serializeJob(makeJob(5, {OpStatus::kWaiting})));
  writeText(dir.path() / "job-6", serializeJob(makeJob(6, {OpStatus::kCanceling})));
  Job done = makeJob(2, {OpStatus::kSuccess});
  writeText(dir.path() / "job-2", serializeJob(done));
  std::string full = serializeJob(makeJob(8, {OpStatus::kQueued}));
  writeText(dir.path() / "job-8", full.substr(0, full.size() / 2));  // torn
  writeText(dir.path() / "job-9.tmp", full);                          // left-over temp

  {
    JobQueue queue(testOptions(dir.path()));
    EXPECT_FALSE(fs::exists(dir.path() / "job-9.tmp"));
    EXPECT_FALSE(fs::exists(dir.path() / "job-8"));
    EXPECT_TRUE(fs::exists(dir.path() / "job-8.corrupt"));
    EXPECT_EQ(queue.jobIds(false), (std::vector<JobId>{2, 3, 4, 5, 6}));
    EXPECT_EQ(queue.getJob(2)->job, done);
    EXPECT_EQ(queue.getJob(3)->job.status(), OpStatus::kQueued);
    for (JobId id : {4, 5, 6}) {
      // The file on disk says so too.
      Job job = parseJob(readText(dir.path() / ("job-" + std::to_string(id))));
      std::string message = "Job " + std::to_string(id) +
                            " failed: the master daemon stopped while it was running";
      EXPECT_EQ(job.status(), OpStatus::kError);
      ASSERT_TRUE(job.end_timestamp.has_value());
      for (const auto& op : job.ops) {
        EXPECT_EQ(op.status, OpStatus::kError);
        EXPECT_EQ(op.result, message);  // a plain string, not an encoded error
        EXPECT_TRUE(op.end_timestamp.has_value());
        EXPECT_EQ(op.input["reason"].back()[1], message);
      }
    }
    // Ids continue after the highest one ever used (the torn job's).
    EXPECT_EQ(queue.submit({testOp()}), 9);
    ScriptRunner runner;
    queue.start(runner);
    EXPECT_EQ(waitFinal(queue, 3), OpStatus::kSuccess);
    EXPECT_EQ(waitFinal(queue, 9), OpStatus::kSuccess);
    queue.shutdown();
  }
  EXPECT_EQ(readText(dir.path() / "serial"), "9\n");
}

// ---------------------------------------------------------------------------
// A real crash: a child process runs a busy queue and is SIGKILLed.

class BusyRunner : public OpcodeRunner {
 public:
  OpResult run(const json& opcode, OpContext& ctx) override {
    ctx.feedback("* working on " + std::to_string(ctx.jobId()));
    if (!ctx.markRunning()) return OpResult::canceled();
    if (opcode.value("action", std::string()) == "fail") {
      return OpResult::error(encodeOpExecError("planned failure"));
    }
    return OpResult::success(static_cast<std::int64_t>(ctx.opIndex()));
  }
};

[[noreturn]] void crashChild(const fs::path& dir, int out_fd, unsigned seed) {
  try {
    JobQueue queue(testOptions(dir, 4));
    BusyRunner runner;
    queue.start(runner);
    std::mt19937 rng(seed);
    for (std::uint64_t n = 0;; ++n) {
      std::vector<std::vector<json>> jobs;
      int count = 1 + static_cast<int>(rng() % 3);
      for (int j = 0; j < count; ++j) {
        std::vector<json> ops;
        int op_count = 1 + static_cast<int>(rng() % 3);
        for (int k = 0; k < op_count; ++k) {
          json op = testOp();
          if (rng() % 7 == 0) op["action"] = "fail";
          if (j > 0 && rng() % 2 == 0) op["depends"] = json::parse("[[-1, []]]");
          ops.push_back(op);
        }
        jobs.push_back(ops);
      }
      for (const auto& r : queue.submitMany(jobs)) {
        if (!r.ok) continue;
        JobId id = r.id;  // durable now: report it
        if (::write(out_fd, &id, sizeof id) != sizeof id) ::_exit(3);
      }
      if (n % 5 == 4) queue.autoArchive(-1, 1s);
      if (n % 11 == 10) queue.cancel(queue.lastJobId());
    }
  } catch (...) {
    ::_exit(2);
  }
}

TEST(JobQueueCrashSlow, SigkillAtRandomMomentsLeavesAConsistentQueue) {
  Watchdog dog(std::chrono::seconds(120));
  TempDir dir;
  std::mt19937 rng(20240611);
  JobId max_reported = 0;
  std::vector<JobId> reported;
  for (int round = 0; round < 20; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      crashChild(dir.path(), fds[1], static_cast<unsigned>(round));
    }
    ::close(fds[1]);
    // Kill after a random number of acknowledged submissions.
    int target = 1 + static_cast<int>(rng() % 60);
    int seen = 0;
    JobId id;
    while (seen < target && ::read(fds[0], &id, sizeof id) == sizeof id) {
      reported.push_back(id);
      ++seen;
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early with " << WEXITSTATUS(status);
    while (::read(fds[0], &id, sizeof id) == sizeof id) reported.push_back(id);
    ::close(fds[0]);
    ASSERT_GE(reported.size(), static_cast<std::size_t>(target));

    // Every job file on disk parses; nothing had to be put aside.
    for (const auto& entry : fs::recursive_directory_iterator(dir.path())) {
      std::string name = entry.path().filename().string();
      EXPECT_EQ(name.find(".corrupt"), std::string::npos) << name;
      if (QueueDir::parseJobFileName(name)) {
        EXPECT_NO_THROW(parseJob(readText(entry.path()))) << entry.path();
      }
    }

    JobQueue queue(testOptions(dir.path()));
    for (JobId r : reported) {
      EXPECT_TRUE(queue.getJob(r).has_value()) << "acknowledged job " << r << " lost";
      max_reported = std::max(max_reported, r);
    }
    for (JobId live : queue.jobIds(false)) {
      auto job = queue.getJob(live);
      ASSERT_TRUE(job);
      OpStatus s = job->job.status();
      EXPECT_TRUE(s == OpStatus::kQueued || isFinalized(s)) << live << " " << statusName(s);
      if (s == OpStatus::kQueued) {
        EXPECT_FALSE(job->job.start_timestamp.has_value());
      }
      EXPECT_EQ(job->job.finalized(), job->job.end_timestamp.has_value());
    }
    EXPECT_GE(queue.lastJobId(), max_reported);
    JobId next = queue.submit({testOp()});
    EXPECT_GT(next, max_reported);
    reported.push_back(next);
  }
}

}  // namespace
}  // namespace gantry::core::jobs
