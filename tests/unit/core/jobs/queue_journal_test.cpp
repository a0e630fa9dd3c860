// The job queue's write-ahead journal: what it made durable comes back
// after a crash even when the files never got it; torn and foreign records
// change nothing; checkpoints keep one segment.
#include <gtest/gtest.h>

#include <fstream>

#include "core/jobs/job_file.h"
#include "core/jobs/job_queue.h"
#include "core/jobs/queue_journal.h"
#include "core/util/atomic_file.h"
#include "jobs_test_support.h"

namespace gantry::core::jobs {
namespace {

namespace fs = std::filesystem;
using namespace testing;

std::vector<std::string> journalSegments(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("journal-", 0) == 0) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(QueueJournal, JobsWhoseFilesWereNeverWrittenComeBackFromTheJournal) {
  Watchdog dog;
  TempDir dir(false);
  std::vector<JobId> ids;
  {
    // Every job file write fails: only the journal holds the jobs.
    util::ScopedFileFaultHook hook([](util::FileStep step, const fs::path& target) {
      const bool job_file = target.filename().string().rfind("job-", 0) == 0;
      return step == util::FileStep::kWrite && job_file ? EIO : 0;
    });
    JobQueue queue(testOptions(dir.path()));
    for (int i = 0; i < 3; ++i) ids.push_back(queue.submit({testOp()}));
    for (JobId id : ids) EXPECT_FALSE(fs::exists(queue.dir().liveJobFile(id)));
  }
  // A stop with files behind their records keeps the journal.
  EXPECT_FALSE(journalSegments(dir.path()).empty());

  JobQueue reopened(testOptions(dir.path()));
  // Replayed and gone; only the new queue's own fresh segment is there.
  EXPECT_EQ(journalSegments(dir.path()), std::vector<std::string>{"journal-1"});
  EXPECT_EQ(reopened.lastJobId(), ids.back());
  for (JobId id : ids) {
    Job job = parseJob(readText(reopened.dir().liveJobFile(id)));
    EXPECT_EQ(job.id, id);
    EXPECT_EQ(job.status(), OpStatus::kQueued);
  }
}

TEST(QueueJournal, ReplayAppliesRecordsInOrderAndIgnoresTornAndForeignOnes) {
  TempDir dir(false);
  QueueDir queue(dir.path());
  {
    QueueJournal journal(queue, 1u << 20);
    journal.append({{{"job-7", "first\n"}, {"serial", "7\n"}}, {}});
    journal.append({{{"job-7", "second\n"}}, {}});
    journal.append({{}, {{"job-7", "archive/0/job-7"}}});
    journal.append({{{"job-8", "eight\n"}}, {}});
    // Names outside the queue's own files are refused, not written.
    journal.append({{{"../escaped", "x"}, {"config.data", "x"}}, {{"job-8", "../job-8"}}});
    // No close(): as after a crash.
  }
  // An append cut short by the crash.
  std::ofstream(QueueJournal::segmentPath(queue, 1), std::ios::app) << "0badc0de {\"upd";

  std::vector<std::string> problems;
  const std::size_t applied = replayQueueJournal(
      queue, [&](sdk::LogLevel level, const std::string& text) {
        if (level == sdk::LogLevel::kError) problems.push_back(text);
      });
  EXPECT_EQ(applied, 5u);
  EXPECT_EQ(readText(queue.archivedJobFile(7)), "second\n");
  EXPECT_FALSE(fs::exists(queue.liveJobFile(7)));
  EXPECT_EQ(readText(queue.liveJobFile(8)), "eight\n");
  EXPECT_EQ(readText(queue.serialFile()), "7\n");
  EXPECT_FALSE(fs::exists(dir.path().parent_path() / "escaped"));
  EXPECT_FALSE(fs::exists(dir.path() / "config.data"));
  EXPECT_FALSE(fs::exists(dir.path().parent_path() / "job-8"));
  EXPECT_EQ(problems.size(), 3u);
  EXPECT_TRUE(journalSegments(dir.path()).empty());
  // Nothing left: a second replay is a no-op.
  EXPECT_EQ(replayQueueJournal(queue, {}), 0u);
}

TEST(QueueJournal, CheckpointsSwitchSegmentsAndAStaleOneReplaysFirst) {
  TempDir dir(false);
  QueueDir queue(dir.path());
  {
    QueueJournal journal(queue, 1);  // every append makes a checkpoint due
    journal.append({{{"job-1", "old\n"}}, {}});
    ASSERT_TRUE(journal.checkpointDue());
    journal.checkpoint();
    EXPECT_EQ(journalSegments(dir.path()), std::vector<std::string>{"journal-0"});
    journal.append({{{"job-1", "new\n"}}, {}});
  }
  // The older segment's unlink was lost in the crash: replay still ends
  // with the newer content, whatever order the names suggest.
  {
    std::ofstream(QueueJournal::segmentPath(queue, 1))
        << util::encodeJournalLine({{"queue_journal", 1}, {"generation", 1}})
        << util::encodeJournalLine(
               {{"updates", nlohmann::json::array({nlohmann::json::array({"job-1", "old\n"})})},
                {"renames", nlohmann::json::array()}});
  }
  EXPECT_EQ(replayQueueJournal(queue, {}), 2u);
  EXPECT_EQ(readText(queue.liveJobFile(1)), "new\n");
}

TEST(QueueJournal, QueueWithTinySegmentsCheckpointsAsItGoesAndStopsClean) {
  Watchdog dog;
  TempDir dir(false);
  auto options = testOptions(dir.path());
  options.journal_segment_bytes = 1;
  {
    JobQueue queue(options);
    for (int i = 0; i < 5; ++i) {
      JobId id = queue.submit({testOp()});
      ASSERT_TRUE(queue.cancel(id).ok);
      ASSERT_TRUE(queue.archive(id));
    }
    queue.flush();
    EXPECT_LE(journalSegments(dir.path()).size(), 1u);
  }
  // A clean stop leaves the directory standing on its own.
  EXPECT_TRUE(journalSegments(dir.path()).empty());
  JobQueue reopened(options);
  EXPECT_EQ(reopened.lastJobId(), 5);
  EXPECT_EQ(reopened.liveJobCount(), 0u);
}

TEST(QueueJournal, DiscardRemovesBothSegments) {
  TempDir dir(false);
  QueueDir queue(dir.path());
  { QueueJournal journal(queue, 1u << 20); }
  std::ofstream(QueueJournal::segmentPath(queue, 0)) << "x";
  EXPECT_TRUE(discardQueueJournal(dir.path()));
  EXPECT_TRUE(journalSegments(dir.path()).empty());
  EXPECT_FALSE(discardQueueJournal(dir.path()));
}

}  // namespace
}  // namespace gantry::core::jobs
