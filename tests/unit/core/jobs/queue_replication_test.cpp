// What the queue hands on for copying to master candidates: every durable
// job write, the serial and archive moves, named as the node procedures
// jobqueue_update / jobqueue_rename take them.
#include <gtest/gtest.h>

#include <mutex>

#include "core/jobs/job_queue.h"
#include "jobs_test_support.h"

namespace gantry::core::jobs {
namespace {

using namespace testing;

struct Collected {
  std::mutex mu;
  std::vector<DurableQueueChanges> batches;

  // The last content handed on for `name`, "" if none.
  std::string lastUpdate(const std::string& name) {
    std::lock_guard lk(mu);
    std::string last;
    for (const auto& batch : batches) {
      for (const auto& [n, content] : batch.updates) {
        if (n == name) last = content;
      }
    }
    return last;
  }
  std::vector<std::pair<std::string, std::string>> renames() {
    std::lock_guard lk(mu);
    std::vector<std::pair<std::string, std::string>> all;
    for (const auto& batch : batches) {
      all.insert(all.end(), batch.renames.begin(), batch.renames.end());
    }
    return all;
  }
};

TEST(QueueReplication, DurableWritesAndArchiveMovesAreHandedOn) {
  Watchdog dog;
  TempDir dir;
  Collected collected;
  auto options = testOptions(dir.path());
  options.durable = [&](DurableQueueChanges changes) {
    std::lock_guard lk(collected.mu);
    collected.batches.push_back(std::move(changes));
  };
  JobQueue queue(options);
  const JobId id = queue.submit({testOp()});
  const std::string name = "job-" + std::to_string(id);
  EXPECT_EQ(collected.lastUpdate("serial"), std::to_string(id) + "\n");
  queue.flush();
  EXPECT_EQ(collected.lastUpdate(name), readText(queue.dir().liveJobFile(id)));

  ASSERT_TRUE(queue.cancel(id).ok);
  ASSERT_TRUE(queue.archive(id));
  // The canceled state went out before the move, as it is on disk.
  EXPECT_EQ(collected.lastUpdate(name), readText(queue.dir().archivedJobFile(id)));
  const auto renames = collected.renames();
  ASSERT_EQ(renames.size(), 1u);
  EXPECT_EQ(renames[0].first, name);
  EXPECT_EQ(renames[0].second, "archive/0/" + name);
}

}  // namespace
}  // namespace gantry::core::jobs
