// Randomized jobs (fixed seed) on 8 threads: every job takes random names
// at random levels in order, some whole levels, some with timeouts (then
// it starts over, as the executor does), some create and delete an
// instance. A shadow table checks that exclusive holds never overlap with
// any other hold; a watchdog turns a deadlock into a failure.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/locking/lock_manager.h"
#include "watchdog_support.h"

using namespace gantry::core::locking;
using namespace std::chrono_literals;
using Names = std::vector<std::string>;

namespace {

constexpr int kJobs = 1000;
constexpr int kThreads = 8;
constexpr std::uint32_t kSeed = 20240611;

using gantry::testing::runWithWatchdog;

InitialLocks stressCluster() {
  InitialLocks initial;
  for (int i = 0; i < 10; ++i) initial.instances.push_back("i" + std::to_string(i));
  for (int i = 0; i < 3; ++i) initial.nodeGroups.push_back("g" + std::to_string(i));
  for (int i = 0; i < 8; ++i) initial.nodes.push_back("n" + std::to_string(i));
  for (int i = 0; i < 3; ++i) initial.networks.push_back("net" + std::to_string(i));
  return initial;
}

// Per fixed lock: 0 free, n > 0 shared by n, -1 exclusive. Marked after a
// hold is granted and cleared before it is released, so any overlap the
// manager allowed shows up as a failed transition.
class Shadow {
 public:
  explicit Shadow(const InitialLocks& initial) {
    add(Level::kCluster, {"BGL"});
    add(Level::kInstance, initial.instances);
    add(Level::kNodeGroup, initial.nodeGroups);
    add(Level::kNode, initial.nodes);
    add(Level::kNodeRes, initial.nodes);
    add(Level::kNetwork, initial.networks);
    states_ = std::vector<std::atomic<int>>(index_.size());
  }

  void mark(Level level, const std::string& name, Mode mode) {
    std::atomic<int>* state = find(level, name);
    if (state == nullptr) return;  // a name created by a job
    if (mode == Mode::kExclusive) {
      int expected = 0;
      if (!state->compare_exchange_strong(expected, -1)) ++violations;
      return;
    }
    int seen = state->load();
    do {
      if (seen < 0) {
        ++violations;
        return;
      }
    } while (!state->compare_exchange_weak(seen, seen + 1));
  }

  void clear(Level level, const std::string& name, Mode mode) {
    std::atomic<int>* state = find(level, name);
    if (state == nullptr) return;
    if (mode == Mode::kExclusive) {
      state->store(0);
    } else {
      state->fetch_sub(1);
    }
  }

  bool allFree() const {
    for (const auto& state : states_) {
      if (state.load() != 0) return false;
    }
    return true;
  }

  std::atomic<int> violations{0};

 private:
  void add(Level level, const Names& names) {
    for (const std::string& name : names) {
      index_.emplace(std::make_pair(level, name), index_.size());
    }
  }
  std::atomic<int>* find(Level level, const std::string& name) {
    auto it = index_.find({level, name});
    return it == index_.end() ? nullptr : &states_[it->second];
  }

  std::map<std::pair<Level, std::string>, std::size_t> index_;
  std::vector<std::atomic<int>> states_;
};

struct Totals {
  std::atomic<int> done{0};
  std::atomic<int> restarts{0};
  std::atomic<int> wholeLevels{0};
  std::atomic<int> created{0};
  std::atomic<int> failures{0};
};

// One job: a plan drawn from its own seed, carried out until it succeeds.
class Job {
 public:
  Job(int index, LockManager& locks, const InitialLocks& initial,
      Shadow& shadow, Totals& totals)
      : owner_("job/" + std::to_string(index)),
        random_(kSeed + static_cast<std::uint32_t>(index)),
        locks_(locks),
        initial_(initial),
        shadow_(shadow),
        totals_(totals) {}

  void run() {
    const int priorities[] = {-10, 0, 0, 10};
    priority_ = priorities[pick(4)];
    useTimeouts_ = pick(10) == 0;
    creates_ = pick(20) == 0;
    while (!attempt()) {
      ++totals_.restarts;
      useTimeouts_ = false;  // as the executor: end with a blocking acquire
    }
    ++totals_.done;
  }

 private:
  struct Step {
    Level level = Level::kCluster;
    bool whole = false;
    Names names;
    Mode mode = Mode::kShared;
  };

  int pick(int bound) {
    return std::uniform_int_distribution<int>(0, bound - 1)(random_);
  }

  Names namesOf(Level level) const {
    switch (level) {
      case Level::kInstance:
        return initial_.instances;
      case Level::kNodeGroup:
        return initial_.nodeGroups;
      case Level::kNode:
      case Level::kNodeRes:
        return initial_.nodes;
      case Level::kNetwork:
        return initial_.networks;
      case Level::kCluster:
        break;
    }
    return {"BGL"};
  }

  std::vector<Step> plan() {
    std::vector<Step> steps;
    Step bgl;
    bgl.names = {"BGL"};
    bgl.mode = pick(20) == 0 ? Mode::kExclusive : Mode::kShared;
    steps.push_back(std::move(bgl));
    for (std::size_t i = 1; i < kLevelCount; ++i) {
      const Level level = kAllLevels[i];
      if (level == Level::kInstance && creates_) continue;
      if (pick(2) == 0) continue;
      Step step;
      step.level = level;
      step.mode = pick(10) < 3 ? Mode::kExclusive : Mode::kShared;
      if (pick(10) == 0) {
        step.whole = true;
      } else {
        Names all = namesOf(level);
        const int count = 1 + pick(3);
        for (int n = 0; n < count; ++n) {
          step.names.push_back(all[pick(static_cast<int>(all.size()))]);
        }
      }
      steps.push_back(std::move(step));
    }
    return steps;
  }

  // False when a timeout made the job give everything back.
  bool attempt() {
    const std::vector<Step> steps = plan();
    AcquireOptions options = AcquireOptions{}.withPriority(priority_);
    if (useTimeouts_) options.timeout = 200us;
    const std::string created = "new-" + owner_.substr(4);
    for (const Step& step : steps) {
      LockStatus status =
          step.whole ? locks_.acquireAll(owner_, step.level, step.mode, options)
                     : locks_.acquire(owner_, step.level, step.names,
                                      step.mode, options);
      if (status == LockStatus::kTimeout) {
        releaseEverything();
        return false;
      }
      if (status != LockStatus::kOk) {
        ++totals_.failures;
        releaseEverything();
        return true;
      }
      if (step.whole) {
        ++totals_.wholeLevels;
        // Nobody can add names while the level is held whole.
        if (locks_.ownedNames(owner_, step.level) !=
            locks_.names(step.level)) {
          ++totals_.failures;
        }
      }
      if (step.level == Level::kCluster && creates_) {
        // Instance creation: add the new name, held exclusively.
        if (locks_.add(owner_, Level::kInstance, {created},
                       Mode::kExclusive) == LockStatus::kOk) {
          added_ = created;
        } else {
          ++totals_.failures;
        }
      }
    }
    markAll(true);
    for (int spin = pick(50); spin > 0; --spin) std::this_thread::yield();
    if (pick(5) == 0 && locks_.isOwned(owner_, Level::kNodeRes)) {
      // Early release of node resources.
      clearLevel(Level::kNodeRes);
      locks_.release(owner_, Level::kNodeRes);
    }
    markAll(false);
    if (creates_) ++totals_.created;
    releaseEverything();
    return true;
  }

  void markAll(bool hold) {
    for (Level level : kAllLevels) {
      if (hold) {
        for (const std::string& name : locks_.ownedNames(owner_, level)) {
          shadow_.mark(level, name, *locks_.ownedMode(owner_, level, name));
        }
      } else {
        clearLevel(level);
      }
    }
  }

  void clearLevel(Level level) {
    for (const std::string& name : locks_.ownedNames(owner_, level)) {
      shadow_.clear(level, name, *locks_.ownedMode(owner_, level, name));
    }
  }

  // A name this attempt created is deleted again (held exclusively, so
  // allowed at any point), then everything is released.
  void releaseEverything() {
    if (!added_.empty()) {
      RemoveOutcome outcome = locks_.remove(owner_, Level::kInstance, {added_});
      if (outcome.removed != Names{added_}) ++totals_.failures;
      added_.clear();
    }
    locks_.releaseAll(owner_);
  }

  OwnerId owner_;
  std::mt19937 random_;
  LockManager& locks_;
  const InitialLocks& initial_;
  Shadow& shadow_;
  Totals& totals_;
  int priority_ = 0;
  bool useTimeouts_ = false;
  bool creates_ = false;
  std::string added_;
};

}  // namespace

TEST(LockManagerStress, RandomJobsFinishAndReleaseEverything) {
  runWithWatchdog(
      [] {
        const InitialLocks initial = stressCluster();
        LockManager locks(initial);
        Shadow shadow(initial);
        Totals totals;
        std::atomic<int> nextJob{0};
        const auto started = std::chrono::steady_clock::now();
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
          threads.emplace_back([&] {
            for (int index = nextJob++; index < kJobs; index = nextJob++) {
              Job(index, locks, initial, shadow, totals).run();
            }
          });
        }
        for (std::thread& thread : threads) thread.join();
        const auto took = std::chrono::steady_clock::now() - started;

        EXPECT_EQ(totals.done.load(), kJobs);
        EXPECT_EQ(totals.failures.load(), 0);
        EXPECT_EQ(shadow.violations.load(), 0);
        EXPECT_TRUE(shadow.allFree());
        EXPECT_TRUE(locks.owners().empty());
        for (const LockInfo& info : locks.queryLocks()) {
          EXPECT_EQ(info.mode, std::nullopt) << info.name;
          EXPECT_TRUE(info.pending.empty()) << info.name;
        }
        EXPECT_EQ(locks.names(Level::kInstance), initial.instances);
        // The mix really exercised the paths it is meant to.
        EXPECT_GT(totals.wholeLevels.load(), 0);
        EXPECT_GT(totals.created.load(), 0);
        RecordProperty("restarts", totals.restarts.load());
        RecordProperty(
            "millis",
            static_cast<int>(
                std::chrono::duration_cast<std::chrono::milliseconds>(took)
                    .count()));
      },
      60s);
}
