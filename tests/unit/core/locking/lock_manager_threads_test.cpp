// The lock manager with real threads. Threads are ordered with gates,
// futures and LockManager::awaitPending(), never with sleeps; a watchdog
// turns a deadlock into a failed test instead of a hung run.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/locking/lock_manager.h"
#include "watchdog_support.h"

using namespace gantry::core::locking;
using namespace std::chrono_literals;
using Names = std::vector<std::string>;

namespace {

constexpr auto kLimit = 5s;  // generous: each wait normally takes micro-
                             // seconds; only a bug comes near it
const AcquireOptions kTry = AcquireOptions{}.withTimeout(0ns);

using gantry::testing::runWithWatchdog;

// Opens once `parties` threads have arrived; a thread that waits longer
// than the limit gets false (the others never came).
class Gate {
 public:
  explicit Gate(std::size_t parties) : remaining_(parties) {}

  bool arriveAndWait(std::chrono::nanoseconds limit = kLimit) {
    std::unique_lock lock(mutex_);
    if (--remaining_ == 0) {
      opened_.notify_all();
      return true;
    }
    return opened_.wait_for(lock, limit, [this] { return remaining_ == 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable opened_;
  std::size_t remaining_;
};

// An owner on its own thread: makes one request, reports the status, then
// holds what it got until letGo() and releases everything.
class Contender {
 public:
  using Request = std::function<LockStatus(LockManager&, const OwnerId&)>;

  Contender(LockManager& locks, OwnerId owner, Request request,
            std::function<void(LockStatus)> onResult = {})
      : locks_(locks),
        owner_(std::move(owner)),
        result_(resultPromise_.get_future().share()),
        released_(releasedPromise_.get_future().share()),
        thread_([this, request = std::move(request),
                 onResult = std::move(onResult)] {
          LockStatus status = request(locks_, owner_);
          if (onResult) onResult(status);
          resultPromise_.set_value(status);
          letGoFuture_.wait();
          locks_.releaseAll(owner_);
          releasedPromise_.set_value();
        }) {}

  Contender(const Contender&) = delete;
  Contender& operator=(const Contender&) = delete;

  ~Contender() {
    letGo();
    thread_.join();
  }

  const OwnerId& owner() const { return owner_; }

  /// nullopt while the request is still waiting after `limit`.
  std::optional<LockStatus> result(std::chrono::nanoseconds limit = kLimit) {
    if (result_.wait_for(limit) != std::future_status::ready) {
      return std::nullopt;
    }
    return result_.get();
  }
  bool finished() {
    return result_.wait_for(0s) == std::future_status::ready;
  }

  void letGo() {
    std::call_once(letGoOnce_, [this] { letGoPromise_.set_value(); });
  }
  bool waitReleased(std::chrono::nanoseconds limit = kLimit) {
    return released_.wait_for(limit) == std::future_status::ready;
  }

 private:
  LockManager& locks_;
  OwnerId owner_;
  std::promise<LockStatus> resultPromise_;
  std::shared_future<LockStatus> result_;
  std::promise<void> releasedPromise_;
  std::shared_future<void> released_;
  std::promise<void> letGoPromise_;
  std::future<void> letGoFuture_ = letGoPromise_.get_future();
  std::once_flag letGoOnce_;
  std::thread thread_;  // last: starts once everything above exists
};

Contender::Request take(Level level, Names names, Mode mode,
                        AcquireOptions options = {}) {
  return [=](LockManager& locks, const OwnerId& owner) {
    return locks.acquire(owner, level, names, mode, options);
  };
}

Contender::Request takeAll(Level level, Mode mode,
                           AcquireOptions options = {}) {
  return [=](LockManager& locks, const OwnerId& owner) {
    return locks.acquireAll(owner, level, mode, options);
  };
}

InitialLocks instances(int count) {
  InitialLocks initial;
  for (int i = 0; i < count; ++i) {
    initial.instances.push_back("inst" + std::to_string(i));
  }
  initial.nodes = {"node1", "node2"};
  return initial;
}

LockInfo infoOf(const LockManager& locks, const std::string& name) {
  for (LockInfo& info : locks.queryLocks()) {
    if (info.name == name) return info;
  }
  ADD_FAILURE() << "no lock " << name;
  return {};
}

std::vector<OwnerId> pendingOwners(const LockInfo& info) {
  std::vector<OwnerId> owners;
  for (const PendingAcquire& pending : info.pending) {
    owners.push_back(pending.owner);
  }
  return owners;
}

}  // namespace

TEST(LockManagerThreads, DisjointInstancesAllHeldAtOnce) {
  runWithWatchdog([] {
    constexpr int kThreads = 8;
    LockManager locks(instances(kThreads));
    Gate allHolding(kThreads);
    std::atomic<int> met{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        const OwnerId owner = "job/" + std::to_string(i);
        ASSERT_EQ(locks.acquire(owner, Level::kCluster, {"BGL"}, Mode::kShared),
                  LockStatus::kOk);
        ASSERT_EQ(locks.acquire(owner, Level::kInstance,
                                {"inst" + std::to_string(i)},
                                Mode::kExclusive),
                  LockStatus::kOk);
        // Opens only while every thread holds its lock at the same time.
        if (allHolding.arriveAndWait()) ++met;
        locks.releaseAll(owner);
      });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(met.load(), kThreads);
    EXPECT_TRUE(locks.owners().empty());
  });
}

TEST(LockManagerThreads, ConflictingExclusiveSerialize) {
  constexpr int kThreads = 4;
  constexpr int kRounds = 300;
  runWithWatchdog([] {
    LockManager locks(instances(1));
    std::atomic<int> inside{0};
    std::atomic<bool> overlapped{false};
    long counter = 0;  // unprotected except by the lock under test
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        const OwnerId owner = "job/" + std::to_string(i);
        for (int round = 0; round < kRounds; ++round) {
          ASSERT_EQ(locks.acquire(owner, Level::kInstance, {"inst0"},
                                  Mode::kExclusive),
                    LockStatus::kOk);
          if (inside.fetch_add(1) != 0) overlapped = true;
          ++counter;
          std::this_thread::yield();
          inside.fetch_sub(1);
          locks.release(owner, Level::kInstance);
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_FALSE(overlapped.load());
    EXPECT_EQ(counter, long{kThreads} * kRounds);
  });
}

TEST(LockManagerThreads, SharedHoldersCoexist) {
  constexpr int kThreads = 6;
  runWithWatchdog([] {
    LockManager locks(instances(1));
    Gate allHolding(kThreads + 1);
    Gate checked(kThreads + 1);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        const OwnerId owner = "job/" + std::to_string(i);
        ASSERT_EQ(locks.acquire(owner, Level::kInstance, {"inst0"},
                                Mode::kShared),
                  LockStatus::kOk);
        EXPECT_TRUE(allHolding.arriveAndWait());
        EXPECT_TRUE(checked.arriveAndWait());
        locks.releaseAll(owner);
      });
    }
    ASSERT_TRUE(allHolding.arriveAndWait());
    LockInfo info = infoOf(locks, "instance/inst0");
    EXPECT_EQ(info.mode, Mode::kShared);
    EXPECT_EQ(info.owners.size(), std::size_t{kThreads});
    // Shared holders keep an exclusive request out.
    EXPECT_EQ(locks.acquire("writer", Level::kInstance, {"inst0"},
                            Mode::kExclusive, kTry),
              LockStatus::kTimeout);
    EXPECT_TRUE(checked.arriveAndWait());
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(locks.acquire("writer", Level::kInstance, {"inst0"},
                            Mode::kExclusive, kTry),
              LockStatus::kOk);
  });
}

TEST(LockManagerThreads, BglSharedByManyExclusiveAlone) {
  constexpr int kReaders = 5;
  runWithWatchdog([] {
    LockManager locks;
    ASSERT_EQ(locks.acquire("admin", Level::kCluster, {"BGL"},
                            Mode::kExclusive),
              LockStatus::kOk);
    std::vector<std::unique_ptr<Contender>> readers;
    for (int i = 0; i < kReaders; ++i) {
      readers.push_back(std::make_unique<Contender>(
          locks, "job/" + std::to_string(i),
          take(Level::kCluster, {"BGL"}, Mode::kShared)));
    }
    ASSERT_TRUE(locks.awaitPending(Level::kCluster, "BGL", kReaders, kLimit));
    LockInfo info = infoOf(locks, "cluster/BGL");
    EXPECT_EQ(info.mode, Mode::kExclusive);
    EXPECT_EQ(info.owners, Names{"admin"});
    EXPECT_EQ(info.pending.size(), std::size_t{kReaders});
    for (auto& reader : readers) EXPECT_FALSE(reader->finished());

    // One release hands the BGL to every shared waiter at once.
    locks.releaseAll("admin");
    for (auto& reader : readers) EXPECT_EQ(reader->result(), LockStatus::kOk);
    info = infoOf(locks, "cluster/BGL");
    EXPECT_EQ(info.mode, Mode::kShared);
    EXPECT_EQ(info.owners.size(), std::size_t{kReaders});

    // An exclusive request waits until the last reader is gone.
    Contender admin(locks, "admin",
                    take(Level::kCluster, {"BGL"}, Mode::kExclusive));
    ASSERT_TRUE(locks.awaitPending(Level::kCluster, "BGL", 1, kLimit));
    for (int i = 0; i + 1 < kReaders; ++i) {
      readers[i]->letGo();
      ASSERT_TRUE(readers[i]->waitReleased());
      EXPECT_FALSE(admin.finished());
    }
    readers.back()->letGo();
    EXPECT_EQ(admin.result(), LockStatus::kOk);
    EXPECT_EQ(infoOf(locks, "cluster/BGL").owners, Names{"admin"});
  });
}

TEST(LockManagerThreads, PriorityOrdersWaiters) {
  runWithWatchdog([] {
    LockManager locks(instances(1));
    ASSERT_EQ(locks.acquire("holder", Level::kInstance, {"inst0"},
                            Mode::kExclusive),
              LockStatus::kOk);
    std::mutex orderMutex;
    std::vector<OwnerId> order;
    auto record = [&](const OwnerId& owner) {
      return [&, owner](LockStatus status) {
        EXPECT_EQ(status, LockStatus::kOk);
        std::lock_guard guard(orderMutex);
        order.push_back(owner);
      };
    };
    // Queued lowest priority first, so priority must beat arrival.
    const std::vector<std::pair<OwnerId, int>> waiters = {
        {"low", 10}, {"normal", 0}, {"high", -10}, {"normal2", 0},
        {"higher", -20}};
    std::vector<std::unique_ptr<Contender>> contenders;
    for (const auto& [owner, priority] : waiters) {
      contenders.push_back(std::make_unique<Contender>(
          locks, owner,
          take(Level::kInstance, {"inst0"}, Mode::kExclusive,
               AcquireOptions{}.withPriority(priority)),
          record(owner)));
      contenders.back()->letGo();  // release right after acquiring
      ASSERT_TRUE(locks.awaitPending(Level::kInstance, "inst0",
                                     contenders.size(), kLimit));
    }
    const LockInfo info = infoOf(locks, "instance/inst0");
    EXPECT_EQ(pendingOwners(info),
              (Names{"higher", "high", "normal", "normal2", "low"}));
    ASSERT_EQ(info.pending.size(), 5u);
    EXPECT_EQ(info.pending[0].priority, -20);
    EXPECT_EQ(info.pending[0].mode, Mode::kExclusive);

    locks.releaseAll("holder");
    for (auto& contender : contenders) ASSERT_TRUE(contender->waitReleased());
    EXPECT_EQ(order, (Names{"higher", "high", "normal", "normal2", "low"}));
  });
}

TEST(LockManagerThreads, QueuedExclusiveBlocksLaterShared) {
  runWithWatchdog([] {
    LockManager locks(instances(1));
    ASSERT_EQ(locks.acquire("reader", Level::kInstance, {"inst0"},
                            Mode::kShared),
              LockStatus::kOk);
    Contender writer(locks, "writer",
                     take(Level::kInstance, {"inst0"}, Mode::kExclusive));
    ASSERT_TRUE(locks.awaitPending(Level::kInstance, "inst0", 1, kLimit));
    // Compatible with the holder, but behind a queued writer of equal or
    // higher priority: no starvation of the writer.
    EXPECT_EQ(locks.acquire("late", Level::kInstance, {"inst0"}, Mode::kShared,
                            kTry),
              LockStatus::kTimeout);
    EXPECT_EQ(locks.acquire("late", Level::kInstance, {"inst0"}, Mode::kShared,
                            AcquireOptions{}.withTimeout(0ns).withPriority(5)),
              LockStatus::kTimeout);
    // A higher priority goes ahead of the queued writer.
    EXPECT_EQ(locks.acquire("urgent", Level::kInstance, {"inst0"},
                            Mode::kShared, AcquireOptions{}.withTimeout(0ns).withPriority(-1)),
              LockStatus::kOk);
    locks.releaseAll("urgent");
    EXPECT_FALSE(writer.finished());
    locks.releaseAll("reader");
    EXPECT_EQ(writer.result(), LockStatus::kOk);
    EXPECT_EQ(infoOf(locks, "instance/inst0").owners, Names{"writer"});
  });
}

TEST(LockManagerThreads, SharedWaitersServedTogetherInOrder) {
  runWithWatchdog([] {
    LockManager locks(instances(1));
    ASSERT_EQ(locks.acquire("holder", Level::kInstance, {"inst0"},
                            Mode::kExclusive),
              LockStatus::kOk);
    Contender w1(locks, "w1",
                 take(Level::kInstance, {"inst0"}, Mode::kExclusive));
    ASSERT_TRUE(locks.awaitPending(Level::kInstance, "inst0", 1, kLimit));
    Contender r1(locks, "r1", take(Level::kInstance, {"inst0"}, Mode::kShared));
    ASSERT_TRUE(locks.awaitPending(Level::kInstance, "inst0", 2, kLimit));
    Contender r2(locks, "r2", take(Level::kInstance, {"inst0"}, Mode::kShared));
    ASSERT_TRUE(locks.awaitPending(Level::kInstance, "inst0", 3, kLimit));
    Contender w2(locks, "w2",
                 take(Level::kInstance, {"inst0"}, Mode::kExclusive));
    ASSERT_TRUE(locks.awaitPending(Level::kInstance, "inst0", 4, kLimit));

    // The releasing call hands the lock over before it returns.
    locks.releaseAll("holder");
    LockInfo info = infoOf(locks, "instance/inst0");
    EXPECT_EQ(info.owners, Names{"w1"});
    EXPECT_EQ(pendingOwners(info), (Names{"r1", "r2", "w2"}));
    EXPECT_EQ(w1.result(), LockStatus::kOk);

    w1.letGo();
    EXPECT_EQ(r1.result(), LockStatus::kOk);
    EXPECT_EQ(r2.result(), LockStatus::kOk);
    info = infoOf(locks, "instance/inst0");
    EXPECT_EQ(info.mode, Mode::kShared);
    EXPECT_EQ(info.owners, (Names{"r1", "r2"}));
    EXPECT_EQ(pendingOwners(info), Names{"w2"});

    r1.letGo();
    ASSERT_TRUE(r1.waitReleased());
    EXPECT_FALSE(w2.finished());
    r2.letGo();
    EXPECT_EQ(w2.result(), LockStatus::kOk);
  });
}

TEST(LockManagerThreads, TimeoutReturnsHoldingNothing) {
  runWithWatchdog([] {
    LockManager locks(instances(3));
    ASSERT_EQ(locks.acquire("holder", Level::kInstance, {"inst1"},
                            Mode::kExclusive),
              LockStatus::kOk);
    Contender reader(locks, "reader",
                     take(Level::kInstance, {"inst1"}, Mode::kShared,
                          AcquireOptions{}.withPriority(5)));
    ASSERT_TRUE(locks.awaitPending(Level::kInstance, "inst1", 1, kLimit));
    // inst0 is free and taken first; inst1 is held; the call times out.
    Contender timed(locks, "timed",
                    take(Level::kInstance, {"inst0", "inst1", "inst2"},
                         Mode::kExclusive, AcquireOptions{}.withTimeout(200ms)));
    ASSERT_TRUE(locks.awaitPending(Level::kInstance, "inst1", 2, kLimit));
    EXPECT_EQ(pendingOwners(infoOf(locks, "instance/inst1")),
              (Names{"timed", "reader"}));
    // Shared from now on: the reader is compatible with the holder but
    // queued behind the writer, until the writer's time is up.
    locks.downgrade("holder", Level::kInstance);
    EXPECT_EQ(timed.result(), LockStatus::kTimeout);
    EXPECT_FALSE(locks.isOwned("timed", Level::kInstance));
    EXPECT_EQ(reader.result(), LockStatus::kOk);
    EXPECT_EQ(locks.acquire("other", Level::kInstance, {"inst0", "inst2"},
                            Mode::kExclusive, kTry),
              LockStatus::kOk);
  });
}

TEST(LockManagerThreads, CancelWakesWaiter) {
  runWithWatchdog([] {
    LockManager locks(instances(2));
    ASSERT_EQ(locks.acquire("holder", Level::kInstance, {"inst1"},
                            Mode::kExclusive),
              LockStatus::kOk);
    CancelToken token;
    Contender job(locks, "job",
                  [&token](LockManager& manager, const OwnerId& owner) {
                    LockStatus bgl = manager.acquire(
                        owner, Level::kCluster, {"BGL"}, Mode::kShared);
                    if (bgl != LockStatus::kOk) return bgl;
                    return manager.acquire(owner, Level::kInstance,
                                           {"inst0", "inst1"},
                                           Mode::kExclusive,
                                           AcquireOptions{}.withCancel(&token));
                  });
    ASSERT_TRUE(locks.awaitPending(Level::kInstance, "inst1", 1, kLimit));
    EXPECT_EQ(locks.ownedNames("job", Level::kInstance), Names{"inst0"});
    token.cancel();
    EXPECT_EQ(job.result(), LockStatus::kCancelled);
    // That level is given back; the levels before it stay held.
    EXPECT_FALSE(locks.isOwned("job", Level::kInstance));
    EXPECT_EQ(locks.ownedNames("job", Level::kCluster), Names{"BGL"});
    EXPECT_TRUE(infoOf(locks, "instance/inst1").pending.empty());
    EXPECT_EQ(infoOf(locks, "instance/inst1").owners, Names{"holder"});
  });
}

TEST(LockManagerThreads, CancelWakesAdderWaitingForLevel) {
  runWithWatchdog([] {
    LockManager locks(instances(1));
    ASSERT_EQ(locks.acquireAll("all", Level::kInstance, Mode::kShared),
              LockStatus::kOk);
    CancelToken token;
    Contender adder(locks, "adder",
                    [&token](LockManager& manager, const OwnerId& owner) {
                      return manager.add(owner, Level::kInstance, {"new"},
                                         Mode::kExclusive,
                                         AcquireOptions{}.withCancel(&token));
                    });
    ASSERT_TRUE(
        locks.awaitPending(Level::kInstance, kLockSetName, 1, kLimit));
    token.cancel();
    EXPECT_EQ(adder.result(), LockStatus::kCancelled);
    EXPECT_EQ(locks.names(Level::kInstance), Names{"inst0"});
    EXPECT_EQ(locks.owners(), Names{"all"});
  });
}

TEST(LockManagerThreads, AllSetWaitsForSingleNameHolder) {
  runWithWatchdog([] {
    LockManager locks(instances(3));
    ASSERT_EQ(locks.acquire("single", Level::kInstance, {"inst1"},
                            Mode::kShared),
              LockStatus::kOk);
    Contender all(locks, "all", takeAll(Level::kInstance, Mode::kExclusive));
    ASSERT_TRUE(locks.awaitPending(Level::kInstance, "inst1", 1, kLimit));
    EXPECT_TRUE(locks.owningAll("all", Level::kInstance));
    EXPECT_EQ(locks.ownedNames("all", Level::kInstance), Names{"inst0"});
    locks.releaseAll("single");
    EXPECT_EQ(all.result(), LockStatus::kOk);
    EXPECT_EQ(locks.ownedNames("all", Level::kInstance),
              (Names{"inst0", "inst1", "inst2"}));
    // Now single names wait for the whole-level holder.
    Contender single(locks, "single",
                     take(Level::kInstance, {"inst2"}, Mode::kShared));
    ASSERT_TRUE(locks.awaitPending(Level::kInstance, "inst2", 1, kLimit));
    all.letGo();
    EXPECT_EQ(single.result(), LockStatus::kOk);
  });
}

TEST(LockManagerThreads, AddWaitsWhileAllSetHeld) {
  runWithWatchdog([] {
    LockManager locks(instances(2));
    ASSERT_EQ(locks.acquireAll("all", Level::kInstance, Mode::kShared),
              LockStatus::kOk);
    Contender creator(locks, "creator",
                      [](LockManager& manager, const OwnerId& owner) {
                        return manager.add(owner, Level::kInstance,
                                           {"inst9"}, Mode::kExclusive);
                      });
    ASSERT_TRUE(
        locks.awaitPending(Level::kInstance, kLockSetName, 1, kLimit));
    // The whole-level holder still sees exactly the level it locked.
    EXPECT_EQ(locks.names(Level::kInstance), (Names{"inst0", "inst1"}));
    EXPECT_EQ(locks.ownedNames("all", Level::kInstance),
              locks.names(Level::kInstance));
    locks.releaseAll("all");
    EXPECT_EQ(creator.result(), LockStatus::kOk);
    EXPECT_EQ(locks.names(Level::kInstance),
              (Names{"inst0", "inst1", "inst9"}));
    EXPECT_EQ(locks.ownedMode("creator", Level::kInstance, "inst9"),
              Mode::kExclusive);
    EXPECT_FALSE(locks.owningAll("creator", Level::kInstance));

    // A later whole-level request includes the added name and waits for it.
    Contender all(locks, "all", takeAll(Level::kInstance, Mode::kShared));
    ASSERT_TRUE(locks.awaitPending(Level::kInstance, "inst9", 1, kLimit));
    creator.letGo();
    EXPECT_EQ(all.result(), LockStatus::kOk);
    EXPECT_EQ(locks.ownedNames("all", Level::kInstance),
              (Names{"inst0", "inst1", "inst9"}));
  });
}

TEST(LockManagerThreads, RemoveWakesWaitersWithNotFound) {
  runWithWatchdog([] {
    LockManager locks(instances(2));
    ASSERT_EQ(locks.acquire("remover", Level::kInstance, {"inst1"},
                            Mode::kExclusive),
              LockStatus::kOk);
    Contender waiter(locks, "waiter",
                     take(Level::kInstance, {"inst0", "inst1"},
                          Mode::kShared));
    ASSERT_TRUE(locks.awaitPending(Level::kInstance, "inst1", 1, kLimit));
    EXPECT_EQ(locks.remove("remover", Level::kInstance, {"inst1"}).removed,
              Names{"inst1"});
    EXPECT_EQ(waiter.result(), LockStatus::kNotFound);
    EXPECT_FALSE(locks.isOwned("waiter", Level::kInstance));
    EXPECT_TRUE(locks.owners().empty());
  });
}

TEST(LockManagerThreads, AllSetSkipsNameRemovedWhileWaiting) {
  runWithWatchdog([] {
    LockManager locks(instances(3));
    ASSERT_EQ(locks.acquire("remover", Level::kInstance, {"inst1"},
                            Mode::kExclusive),
              LockStatus::kOk);
    Contender all(locks, "all", takeAll(Level::kInstance, Mode::kExclusive));
    ASSERT_TRUE(locks.awaitPending(Level::kInstance, "inst1", 1, kLimit));
    locks.remove("remover", Level::kInstance, {"inst1"});
    EXPECT_EQ(all.result(), LockStatus::kOk);
    EXPECT_EQ(locks.ownedNames("all", Level::kInstance),
              (Names{"inst0", "inst2"}));
  });
}

TEST(LockManagerThreads, RemoveWaitsForHolders) {
  runWithWatchdog([] {
    LockManager locks(instances(2));
    ASSERT_EQ(locks.acquireAll("all", Level::kInstance, Mode::kShared),
              LockStatus::kOk);
    Names removed;
    Contender remover(locks, "remover",
                      [&removed](LockManager& manager, const OwnerId& owner) {
                        RemoveOutcome outcome = manager.remove(
                            owner, Level::kInstance, {"inst1"});
                        removed = outcome.removed;
                        return outcome.status;
                      });
    ASSERT_TRUE(locks.awaitPending(Level::kInstance, "inst1", 1, kLimit));
    EXPECT_EQ(locks.names(Level::kInstance), (Names{"inst0", "inst1"}));
    locks.releaseAll("all");
    EXPECT_EQ(remover.result(), LockStatus::kOk);
    EXPECT_EQ(removed, Names{"inst1"});
    EXPECT_EQ(locks.names(Level::kInstance), Names{"inst0"});
  });
}

TEST(LockManagerThreads, OppositeOrderRequestsNeverDeadlock) {
  constexpr int kRounds = 2000;
  runWithWatchdog([] {
    InitialLocks initial;
    initial.instances = {"a", "b"};
    LockManager locks(initial);
    std::atomic<int> insideBoth{0};
    std::atomic<bool> overlapped{false};
    auto worker = [&](const OwnerId& owner, Names order) {
      for (int round = 0; round < kRounds; ++round) {
        ASSERT_EQ(locks.acquire(owner, Level::kInstance, order,
                                Mode::kExclusive),
                  LockStatus::kOk);
        if (insideBoth.fetch_add(1) != 0) overlapped = true;
        insideBoth.fetch_sub(1);
        locks.releaseAll(owner);
      }
    };
    std::thread forward(worker, "forward", Names{"a", "b"});
    std::thread backward(worker, "backward", Names{"b", "a"});
    forward.join();
    backward.join();
    EXPECT_FALSE(overlapped.load());
    EXPECT_TRUE(locks.owners().empty());
  });
}

TEST(LockManagerThreads, OwnerCannotActFromTwoThreads) {
  runWithWatchdog([] {
    LockManager locks(instances(1));
    ASSERT_EQ(locks.acquire("holder", Level::kInstance, {"inst0"},
                            Mode::kExclusive),
              LockStatus::kOk);
    Contender job(locks, "job",
                  take(Level::kInstance, {"inst0"}, Mode::kExclusive));
    ASSERT_TRUE(locks.awaitPending(Level::kInstance, "inst0", 1, kLimit));
    EXPECT_THROW(locks.releaseAll("job"), std::logic_error);
    EXPECT_THROW(locks.acquire("job", Level::kNode, {"node1"}, Mode::kShared),
                 std::logic_error);
    locks.releaseAll("holder");
    EXPECT_EQ(job.result(), LockStatus::kOk);
  });
}
