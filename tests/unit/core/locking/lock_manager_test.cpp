// Single-threaded behaviour of the lock manager: modes, levels, order rules,
// adding and removing names, introspection. Conflicts are observed with
// zero-timeout attempts by other owners, which never wait.
#include "core/locking/lock_manager.h"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

using namespace gantry::core::locking;
using namespace std::chrono_literals;
using Names = std::vector<std::string>;

namespace {

const AcquireOptions kTry = AcquireOptions{}.withTimeout(0ns);

InitialLocks cluster() {
  InitialLocks initial;
  initial.instances = {"inst3", "inst1", "inst2"};
  initial.nodeGroups = {"default"};
  initial.nodes = {"node1", "node2"};
  initial.networks = {"net1"};
  return initial;
}

const LockInfo* findInfo(const std::vector<LockInfo>& infos,
                         const std::string& name) {
  for (const LockInfo& info : infos) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

}  // namespace

TEST(LockManager, InitialNamesPerLevel) {
  LockManager locks(cluster());
  EXPECT_EQ(locks.names(Level::kCluster), Names{"BGL"});
  EXPECT_EQ(locks.names(Level::kInstance),
            (Names{"inst1", "inst2", "inst3"}));
  EXPECT_EQ(locks.names(Level::kNodeGroup), Names{"default"});
  EXPECT_EQ(locks.names(Level::kNode), (Names{"node1", "node2"}));
  EXPECT_EQ(locks.names(Level::kNodeRes), (Names{"node1", "node2"}));
  EXPECT_EQ(locks.names(Level::kNetwork), Names{"net1"});
  EXPECT_TRUE(locks.owners().empty());
}

TEST(LockManager, RejectsReservedAndEmptyNames) {
  InitialLocks bad;
  bad.instances = {std::string(kLockSetName)};
  EXPECT_THROW(LockManager{bad}, std::invalid_argument);
  LockManager locks;
  EXPECT_THROW(locks.add("job/1", Level::kInstance, {""}),
               std::invalid_argument);
  EXPECT_THROW(locks.add("job/1", Level::kCluster, {"BGL2"}),
               std::invalid_argument);
  EXPECT_TRUE(locks.owners().empty());
}

TEST(LockManager, SharedCoexistsExclusiveExcludes) {
  LockManager locks(cluster());
  ASSERT_EQ(locks.acquire("a", Level::kInstance, {"inst1"}, Mode::kShared),
            LockStatus::kOk);
  EXPECT_EQ(locks.acquire("b", Level::kInstance, {"inst1"}, Mode::kShared,
                          kTry),
            LockStatus::kOk);
  EXPECT_EQ(locks.acquire("c", Level::kInstance, {"inst1"}, Mode::kExclusive,
                          kTry),
            LockStatus::kTimeout);
  EXPECT_EQ(locks.ownedMode("a", Level::kInstance, "inst1"), Mode::kShared);
  EXPECT_EQ(locks.ownedMode("c", Level::kInstance, "inst1"), std::nullopt);
  locks.releaseAll("a");
  locks.releaseAll("b");
  EXPECT_EQ(locks.acquire("c", Level::kInstance, {"inst1"}, Mode::kExclusive,
                          kTry),
            LockStatus::kOk);
  EXPECT_EQ(locks.acquire("a", Level::kInstance, {"inst1"}, Mode::kShared,
                          kTry),
            LockStatus::kTimeout);
  locks.releaseAll("c");
  EXPECT_TRUE(locks.owners().empty());
}

TEST(LockManager, DistinctNamesDoNotConflict) {
  LockManager locks(cluster());
  ASSERT_EQ(locks.acquire("a", Level::kInstance, {"inst1"}, Mode::kExclusive),
            LockStatus::kOk);
  EXPECT_EQ(locks.acquire("b", Level::kInstance, {"inst2"}, Mode::kExclusive,
                          kTry),
            LockStatus::kOk);
  // Same name at another level is another lock.
  EXPECT_EQ(locks.acquire("b", Level::kNode, {"node1"}, Mode::kExclusive, kTry),
            LockStatus::kOk);
  EXPECT_EQ(locks.acquire("c", Level::kNodeRes, {"node1"}, Mode::kExclusive,
                          kTry),
            LockStatus::kOk);
  EXPECT_EQ(locks.owners(), (Names{"a", "b", "c"}));
}

TEST(LockManager, TimeoutKeepsNothingAtThatLevel) {
  LockManager locks(cluster());
  ASSERT_EQ(locks.acquire("holder", Level::kInstance, {"inst2"},
                          Mode::kExclusive),
            LockStatus::kOk);
  ASSERT_EQ(locks.acquire("job", Level::kCluster, {"BGL"}, Mode::kShared),
            LockStatus::kOk);
  // inst1 comes first and is free: taken, then given back when inst2 fails.
  EXPECT_EQ(locks.acquire("job", Level::kInstance, {"inst2", "inst1"},
                          Mode::kExclusive, AcquireOptions{}.withTimeout(20ms)),
            LockStatus::kTimeout);
  EXPECT_FALSE(locks.isOwned("job", Level::kInstance));
  EXPECT_TRUE(locks.ownedNames("job", Level::kInstance).empty());
  EXPECT_EQ(locks.ownedNames("job", Level::kCluster), Names{"BGL"});
  EXPECT_EQ(locks.acquire("other", Level::kInstance, {"inst1"},
                          Mode::kExclusive, kTry),
            LockStatus::kOk);
  // Nobody is left queued by the timed-out request.
  for (const LockInfo& info : locks.queryLocks()) {
    EXPECT_TRUE(info.pending.empty()) << info.name;
  }
}

TEST(LockManager, UnknownNameIsNotFoundAndHoldsNothing) {
  LockManager locks(cluster());
  EXPECT_EQ(locks.acquire("job", Level::kInstance, {"inst1", "nope"},
                          Mode::kShared),
            LockStatus::kNotFound);
  EXPECT_FALSE(locks.isOwned("job", Level::kInstance));
  EXPECT_TRUE(locks.owners().empty());
}

TEST(LockManager, EmptyRequestHoldsNothing) {
  LockManager locks(cluster());
  EXPECT_EQ(locks.acquire("job", Level::kNode, {}, Mode::kExclusive),
            LockStatus::kOk);
  EXPECT_FALSE(locks.isOwned("job", Level::kNode));
  // Nothing is held at node, so node is still open to this owner.
  EXPECT_EQ(locks.acquire("job", Level::kNode, {"node1"}, Mode::kExclusive),
            LockStatus::kOk);
}

TEST(LockManager, DuplicatesInRequestAreOneLock) {
  LockManager locks(cluster());
  EXPECT_EQ(locks.acquire("job", Level::kInstance, {"inst2", "inst2", "inst1"},
                          Mode::kExclusive),
            LockStatus::kOk);
  EXPECT_EQ(locks.ownedNames("job", Level::kInstance),
            (Names{"inst1", "inst2"}));
}

TEST(LockManager, LevelsOutOfOrderAreRefused) {
  LockManager locks(cluster());
  ASSERT_EQ(locks.acquire("job", Level::kNode, {"node1"}, Mode::kShared),
            LockStatus::kOk);
  EXPECT_THROW(
      locks.acquire("job", Level::kInstance, {"inst1"}, Mode::kShared),
      std::logic_error);
  EXPECT_THROW(locks.acquire("job", Level::kCluster, {"BGL"}, Mode::kShared),
               std::logic_error);
  // The same level twice is out of order too.
  EXPECT_THROW(locks.acquire("job", Level::kNode, {"node2"}, Mode::kShared),
               std::logic_error);
  EXPECT_THROW(locks.acquireAll("job", Level::kNode, Mode::kShared),
               std::logic_error);
  // Later levels are fine; a refused call changed nothing.
  EXPECT_EQ(locks.acquire("job", Level::kNodeRes, {"node1"}, Mode::kShared),
            LockStatus::kOk);
  EXPECT_EQ(locks.ownedNames("job", Level::kNode), Names{"node1"});
  EXPECT_FALSE(locks.isOwned("job", Level::kInstance));
}

TEST(LockManager, BglCannotBeReleasedBeforeLaterLevels) {
  LockManager locks(cluster());
  ASSERT_EQ(locks.acquire("job", Level::kCluster, {"BGL"}, Mode::kShared),
            LockStatus::kOk);
  ASSERT_EQ(locks.acquire("job", Level::kInstance, {"inst1"}, Mode::kShared),
            LockStatus::kOk);
  EXPECT_THROW(locks.release("job", Level::kCluster), std::logic_error);
  EXPECT_THROW(locks.release("job", Level::kCluster, {"BGL"}),
               std::logic_error);
  EXPECT_EQ(locks.ownedNames("job", Level::kCluster), Names{"BGL"});
  locks.release("job", Level::kInstance);
  locks.release("job", Level::kCluster);
  EXPECT_TRUE(locks.owners().empty());
}

TEST(LockManager, ReleasingUnheldNamesIsRefused) {
  LockManager locks(cluster());
  ASSERT_EQ(locks.acquire("job", Level::kNode, {"node1"}, Mode::kShared),
            LockStatus::kOk);
  EXPECT_THROW(locks.release("job", Level::kNode, {"node1", "node2"}),
               std::logic_error);
  EXPECT_EQ(locks.ownedNames("job", Level::kNode), Names{"node1"});
  // Releasing a level with nothing held is harmless.
  locks.release("job", Level::kNetwork);
  locks.releaseAll("nobody");
  EXPECT_EQ(locks.owners(), Names{"job"});
}

TEST(LockManager, EarlyReleaseOfSomeNames) {
  LockManager locks(cluster());
  ASSERT_EQ(locks.acquire("job", Level::kNode, {"node1", "node2"},
                          Mode::kExclusive),
            LockStatus::kOk);
  ASSERT_EQ(locks.acquire("job", Level::kNodeRes, {"node1", "node2"},
                          Mode::kExclusive),
            LockStatus::kOk);
  locks.release("job", Level::kNodeRes, {"node2"});
  EXPECT_EQ(locks.ownedNames("job", Level::kNodeRes), Names{"node1"});
  EXPECT_EQ(locks.acquire("other", Level::kNodeRes, {"node2"},
                          Mode::kExclusive, kTry),
            LockStatus::kOk);
  // Releasing node while keeping node-res is allowed (only the BGL is
  // special).
  locks.release("job", Level::kNode);
  EXPECT_FALSE(locks.isOwned("job", Level::kNode));
  EXPECT_TRUE(locks.isOwned("job", Level::kNodeRes));
  locks.releaseAll("job");
  locks.releaseAll("other");
  EXPECT_TRUE(locks.owners().empty());
}

TEST(LockManager, AllSetConflictsWithSingleNames) {
  LockManager locks(cluster());
  ASSERT_EQ(locks.acquireAll("all", Level::kInstance, Mode::kShared),
            LockStatus::kOk);
  EXPECT_TRUE(locks.owningAll("all", Level::kInstance));
  EXPECT_EQ(locks.ownedNames("all", Level::kInstance),
            (Names{"inst1", "inst2", "inst3"}));
  EXPECT_EQ(locks.acquire("one", Level::kInstance, {"inst2"}, Mode::kShared,
                          kTry),
            LockStatus::kOk);
  EXPECT_EQ(locks.acquire("two", Level::kInstance, {"inst3"},
                          Mode::kExclusive, kTry),
            LockStatus::kTimeout);
  EXPECT_EQ(locks.acquireAll("three", Level::kInstance, Mode::kShared, kTry),
            LockStatus::kOk);
  EXPECT_EQ(locks.acquireAll("four", Level::kInstance, Mode::kExclusive, kTry),
            LockStatus::kTimeout);
  // Adding needs the level-wide lock exclusively: held shared, so no.
  EXPECT_EQ(locks.add("adder", Level::kInstance, {"inst4"}, std::nullopt,
                      kTry),
            LockStatus::kTimeout);
  EXPECT_EQ(locks.names(Level::kInstance).size(), 3u);
  locks.releaseAll("all");
  locks.releaseAll("three");
  EXPECT_EQ(locks.add("adder", Level::kInstance, {"inst4"}, std::nullopt,
                      kTry),
            LockStatus::kOk);
  EXPECT_EQ(locks.owners(), Names{"one"});
}

TEST(LockManager, AllSetExclusiveHolderAddsNames) {
  LockManager locks(cluster());
  ASSERT_EQ(locks.acquireAll("all", Level::kInstance, Mode::kExclusive),
            LockStatus::kOk);
  ASSERT_EQ(locks.add("all", Level::kInstance, {"inst9", "inst0"},
                      Mode::kExclusive),
            LockStatus::kOk);
  EXPECT_EQ(locks.ownedNames("all", Level::kInstance),
            (Names{"inst0", "inst1", "inst2", "inst3", "inst9"}));
  EXPECT_TRUE(locks.owningAll("all", Level::kInstance));
  EXPECT_EQ(locks.acquire("other", Level::kInstance, {"inst9"}, Mode::kShared,
                          kTry),
            LockStatus::kTimeout);
  // Adding without acquiring: the name exists but is not held.
  ASSERT_EQ(locks.add("all", Level::kInstance, {"inst5"}), LockStatus::kOk);
  EXPECT_EQ(locks.ownedMode("all", Level::kInstance, "inst5"), std::nullopt);
  EXPECT_EQ(locks.acquire("other", Level::kInstance, {"inst5"}, Mode::kShared,
                          kTry),
            LockStatus::kOk);
}

TEST(LockManager, AddRules) {
  LockManager locks(cluster());
  EXPECT_EQ(locks.add("job", Level::kInstance, {"inst4", "inst1"}),
            LockStatus::kAlreadyExists);
  EXPECT_EQ(locks.names(Level::kInstance),
            (Names{"inst1", "inst2", "inst3"}));
  EXPECT_THROW(locks.add("job", Level::kCluster, {"BGL"}),
               std::invalid_argument);
  // A single name held elsewhere does not block adding.
  ASSERT_EQ(locks.acquire("holder", Level::kInstance, {"inst1"},
                          Mode::kExclusive),
            LockStatus::kOk);
  EXPECT_EQ(locks.add("job", Level::kInstance, {"inst4"}, Mode::kExclusive,
                      kTry),
            LockStatus::kOk);
  EXPECT_EQ(locks.ownedNames("job", Level::kInstance), Names{"inst4"});
  EXPECT_FALSE(locks.owningAll("job", Level::kInstance));
  // Holding part of the level: no more adding there.
  EXPECT_THROW(locks.add("job", Level::kInstance, {"inst5"}),
               std::logic_error);
  // Holding a later level: out of order.
  ASSERT_EQ(locks.acquire("job", Level::kNode, {"node1"}, Mode::kShared),
            LockStatus::kOk);
  EXPECT_THROW(locks.add("job", Level::kNodeGroup, {"g2"}), std::logic_error);
  EXPECT_EQ(locks.add("job", Level::kNetwork, {"net2"}, Mode::kShared),
            LockStatus::kOk);
  EXPECT_EQ(locks.ownedNames("job", Level::kNetwork), Names{"net2"});
}

TEST(LockManager, RemoveHeldAndUnheldNames) {
  LockManager locks(cluster());
  ASSERT_EQ(locks.acquire("job", Level::kInstance, {"inst1"},
                          Mode::kExclusive),
            LockStatus::kOk);
  RemoveOutcome held = locks.remove("job", Level::kInstance, {"inst1"});
  EXPECT_EQ(held.status, LockStatus::kOk);
  EXPECT_EQ(held.removed, Names{"inst1"});
  EXPECT_FALSE(locks.isOwned("job", Level::kInstance));
  EXPECT_EQ(locks.names(Level::kInstance), (Names{"inst2", "inst3"}));
  EXPECT_EQ(locks.acquire("other", Level::kInstance, {"inst1"},
                          Mode::kShared, kTry),
            LockStatus::kNotFound);

  // Not held: taken exclusively, then removed; unknown names are skipped.
  RemoveOutcome unheld =
      locks.remove("job2", Level::kInstance, {"inst3", "ghost", "inst2"});
  EXPECT_EQ(unheld.status, LockStatus::kOk);
  EXPECT_EQ(unheld.removed, (Names{"inst2", "inst3"}));
  EXPECT_TRUE(locks.names(Level::kInstance).empty());
  EXPECT_TRUE(locks.owners().empty());
  EXPECT_THROW(locks.remove("job", Level::kCluster, {"BGL"}),
               std::invalid_argument);
}

TEST(LockManager, RemoveRules) {
  LockManager locks(cluster());
  ASSERT_EQ(locks.acquire("job", Level::kInstance, {"inst1"}, Mode::kShared),
            LockStatus::kOk);
  // Held shared, or another name than the held ones: refused.
  EXPECT_THROW(locks.remove("job", Level::kInstance, {"inst1"}),
               std::logic_error);
  EXPECT_THROW(locks.remove("job", Level::kInstance, {"inst2"}),
               std::logic_error);
  // Holding nothing at node but something before it is fine...
  ASSERT_EQ(locks.acquire("other", Level::kNode, {"node1"}, Mode::kShared),
            LockStatus::kOk);
  // ...holding something after the level is not.
  EXPECT_THROW(locks.remove("other", Level::kInstance, {"inst3"}),
               std::logic_error);
  // A name held by someone else: a try times out, nothing removed.
  RemoveOutcome busy =
      locks.remove("third", Level::kInstance, {"inst1"}, kTry);
  EXPECT_EQ(busy.status, LockStatus::kTimeout);
  EXPECT_TRUE(busy.removed.empty());
  EXPECT_EQ(locks.names(Level::kInstance).size(), 3u);
  EXPECT_FALSE(locks.isOwned("third", Level::kInstance));
}

TEST(LockManager, AllSetSkipsRemovedNames) {
  LockManager locks(cluster());
  ASSERT_EQ(locks.remove("job", Level::kInstance, {"inst2"}).status,
            LockStatus::kOk);
  ASSERT_EQ(locks.acquireAll("job", Level::kInstance, Mode::kExclusive),
            LockStatus::kOk);
  EXPECT_EQ(locks.ownedNames("job", Level::kInstance),
            (Names{"inst1", "inst3"}));
  // The whole-level holder may remove what it holds.
  EXPECT_EQ(locks.remove("job", Level::kInstance, {"inst3"}).removed,
            Names{"inst3"});
  EXPECT_EQ(locks.ownedNames("job", Level::kInstance), Names{"inst1"});
  EXPECT_TRUE(locks.owningAll("job", Level::kInstance));
}

TEST(LockManager, PartialReleaseGivesUpWholeLevel) {
  LockManager locks(cluster());
  ASSERT_EQ(locks.acquireAll("job", Level::kInstance, Mode::kExclusive),
            LockStatus::kOk);
  locks.release("job", Level::kInstance, {"inst1"});
  EXPECT_FALSE(locks.owningAll("job", Level::kInstance));
  EXPECT_EQ(locks.ownedNames("job", Level::kInstance),
            (Names{"inst2", "inst3"}));
  EXPECT_EQ(locks.add("other", Level::kInstance, {"inst4"}, std::nullopt,
                      kTry),
            LockStatus::kOk);
}

TEST(LockManager, DowngradeLetsSharedIn) {
  LockManager locks(cluster());
  ASSERT_EQ(locks.acquireAll("job", Level::kNode, Mode::kExclusive),
            LockStatus::kOk);
  EXPECT_EQ(locks.acquire("other", Level::kNode, {"node1"}, Mode::kShared,
                          kTry),
            LockStatus::kTimeout);
  locks.downgrade("job", Level::kNode, {"node1"});
  EXPECT_EQ(locks.ownedMode("job", Level::kNode, "node1"), Mode::kShared);
  EXPECT_EQ(locks.ownedMode("job", Level::kNode, std::string(kLockSetName)),
            Mode::kExclusive);
  EXPECT_EQ(locks.acquire("other", Level::kNode, {"node1"}, Mode::kShared,
                          kTry),
            LockStatus::kOk);
  locks.downgrade("job", Level::kNode);
  EXPECT_EQ(locks.ownedMode("job", Level::kNode, std::string(kLockSetName)),
            Mode::kShared);
  EXPECT_EQ(locks.acquireAll("third", Level::kNode, Mode::kShared, kTry),
            LockStatus::kOk);
  EXPECT_THROW(locks.downgrade("job", Level::kNode, {"ghost"}),
               std::logic_error);
}

TEST(LockManager, QueryShowsModesAndOwners) {
  LockManager locks(cluster());
  ASSERT_EQ(locks.acquire("job/1", Level::kCluster, {"BGL"}, Mode::kShared),
            LockStatus::kOk);
  ASSERT_EQ(locks.acquire("job/2", Level::kCluster, {"BGL"}, Mode::kShared),
            LockStatus::kOk);
  ASSERT_EQ(locks.acquire("job/2", Level::kInstance, {"inst2"},
                          Mode::kExclusive),
            LockStatus::kOk);
  ASSERT_EQ(locks.acquireAll("job/1", Level::kNode, Mode::kShared),
            LockStatus::kOk);
  const std::vector<LockInfo> infos = locks.queryLocks();

  // Acquisition order: levels, level-wide lock first, then sorted names.
  std::vector<std::string> order;
  for (const LockInfo& info : infos) order.push_back(info.name);
  const Names expectedStart = {"cluster/[lockset]", "cluster/BGL",
                               "instance/[lockset]", "instance/inst1",
                               "instance/inst2", "instance/inst3"};
  ASSERT_GE(order.size(), expectedStart.size());
  EXPECT_EQ(Names(order.begin(), order.begin() + 6), expectedStart);
  EXPECT_EQ(order.back(), "network/net1");

  const LockInfo* bgl = findInfo(infos, "cluster/BGL");
  ASSERT_NE(bgl, nullptr);
  EXPECT_EQ(bgl->mode, Mode::kShared);
  EXPECT_EQ(bgl->owners, (Names{"job/1", "job/2"}));
  const LockInfo* inst2 = findInfo(infos, "instance/inst2");
  ASSERT_NE(inst2, nullptr);
  EXPECT_EQ(inst2->mode, Mode::kExclusive);
  EXPECT_EQ(inst2->owners, Names{"job/2"});
  const LockInfo* inst1 = findInfo(infos, "instance/inst1");
  ASSERT_NE(inst1, nullptr);
  EXPECT_EQ(inst1->mode, std::nullopt);
  EXPECT_TRUE(inst1->owners.empty());
  const LockInfo* nodeSet = findInfo(infos, "node/[lockset]");
  ASSERT_NE(nodeSet, nullptr);
  EXPECT_EQ(nodeSet->owners, Names{"job/1"});
  const LockInfo* node2 = findInfo(infos, "node/node2");
  ASSERT_NE(node2, nullptr);
  EXPECT_EQ(node2->mode, Mode::kShared);
}

TEST(LockManager, CancelledTokenFailsAtOnce) {
  LockManager locks(cluster());
  CancelToken token;
  token.cancel();
  EXPECT_EQ(locks.acquire("job", Level::kInstance, {"inst1"}, Mode::kShared,
                          AcquireOptions{}.withCancel(&token)),
            LockStatus::kCancelled);
  EXPECT_EQ(locks.acquireAll("job", Level::kInstance, Mode::kShared,
                             AcquireOptions{}.withCancel(&token)),
            LockStatus::kCancelled);
  EXPECT_EQ(locks.add("job", Level::kInstance, {"inst9"}, std::nullopt,
                      AcquireOptions{}.withCancel(&token)),
            LockStatus::kCancelled);
  EXPECT_TRUE(locks.owners().empty());
  EXPECT_EQ(locks.names(Level::kInstance).size(), 3u);
}

TEST(LockManager, StatusNames) {
  EXPECT_EQ(lockStatusName(LockStatus::kOk), "ok");
  EXPECT_EQ(lockStatusName(LockStatus::kTimeout), "timeout");
  EXPECT_EQ(lockStatusName(LockStatus::kCancelled), "cancelled");
  EXPECT_EQ(lockStatusName(LockStatus::kNotFound), "not found");
  EXPECT_EQ(lockStatusName(LockStatus::kAlreadyExists), "already exists");
}
