// Ganeti's lock manager: named shared/exclusive locks at ordered levels,
// used by the master's executor to serialise jobs.
//
// Deadlock freedom comes from one global order that every owner follows:
// level by level (cluster, instance, nodegroup, node, node-res, network);
// within a level first the level-wide lock (only for "all names" and for
// adding names), then the names in sorted order. An owner waits only for a
// lock that comes after everything it holds, so no cycle of waiters can
// form. Calls that would break the order throw std::logic_error.
#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/locking/cancel_token.h"
#include "core/locking/levels.h"

namespace gantry::core::locking {

/// Who holds or waits for locks: a job or opcode ("job/42"), or any other
/// name a caller picks. An owner acts from one thread at a time.
using OwnerId = std::string;

/// Lower numbers first, as opcode priorities (-20..19, normal 0).
inline constexpr int kDefaultPriority = 0;

enum class LockStatus : std::uint8_t {
  kOk,             // acquired (or added / removed)
  kTimeout,        // nothing at that level was kept
  kCancelled,      // the CancelToken fired; nothing at that level was kept
  kNotFound,       // a named lock does not exist or was removed meanwhile
  kAlreadyExists,  // add(): a name is already there
};

/// "ok", "timeout", "cancelled", "not found", "already exists".
std::string_view lockStatusName(LockStatus status);

struct AcquireOptions {
  /// Total time for the whole call; nullopt blocks, zero only tries.
  std::optional<std::chrono::nanoseconds> timeout;
  /// Lower is served first among waiters of one lock.
  int priority = kDefaultPriority;
  /// Not owned; must outlive the call.
  CancelToken* cancel = nullptr;

  // Copies with one field set: `AcquireOptions{}.withTimeout(5s)`.
  AcquireOptions withTimeout(std::chrono::nanoseconds value) const {
    AcquireOptions copy = *this;
    copy.timeout = value;
    return copy;
  }
  AcquireOptions withPriority(int value) const {
    AcquireOptions copy = *this;
    copy.priority = value;
    return copy;
  }
  AcquireOptions withCancel(CancelToken* value) const {
    AcquireOptions copy = *this;
    copy.cancel = value;
    return copy;
  }
};

/// Initial names per level; the cluster level always has just the BGL.
/// Node names make both the node and the node-res locks (as Ganeti).
struct InitialLocks {
  std::vector<std::string> instances;
  std::vector<std::string> nodeGroups;
  std::vector<std::string> nodes;
  std::vector<std::string> networks;
};

/// One waiter in a lock's queue, in serving order.
struct PendingAcquire {
  Mode mode = Mode::kExclusive;
  OwnerId owner;
  int priority = kDefaultPriority;
};

/// Ganeti's lock query fields (name, mode, owner, pending).
struct LockInfo {
  std::string name;           // lockName(): "instance/inst1"
  std::optional<Mode> mode;   // nullopt when nobody holds it
  std::vector<OwnerId> owners;  // sorted
  std::vector<PendingAcquire> pending;
};

struct RemoveOutcome {
  LockStatus status = LockStatus::kOk;  // kOk, kTimeout or kCancelled
  std::vector<std::string> removed;     // sorted; gone for good either way
};

/// Fairness: each lock serves its waiters by (priority, arrival). A new
/// request is granted at once only when it is compatible with the holders
/// and no queued waiter has the same or a higher priority; so a queued
/// exclusive request blocks later shared requests of lower or equal
/// priority and writers do not starve. (Ganeti's SharedLock lets a new
/// shared request join an earlier, not yet woken, shared group of its
/// priority even past a queued exclusive one; here arrival order is kept.)
/// When a lock frees up, the releasing call hands it to the first waiter,
/// and to the shared waiters behind it while they are compatible, before
/// returning; the waiting threads only wake up to find it theirs.
///
/// Thread-safe; every call takes one internal mutex for a short time.
/// Waiting uses one condition variable per waiting call: no polling.
class LockManager {
 public:
  explicit LockManager(const InitialLocks& initial = {});
  LockManager(const LockManager&) = delete;
  LockManager& operator=(const LockManager&) = delete;
  /// No call may be running and no owner may wait.
  ~LockManager();

  /// Takes `names` at `level` in `mode`, in sorted order (duplicates
  /// ignored). All or nothing: unless kOk, the owner holds nothing at
  /// `level` afterwards. kNotFound if a name does not exist when asked or
  /// is removed while waited for. Order rules (std::logic_error): the
  /// owner holds nothing at `level` or above and is not inside another
  /// call. An empty list acquires nothing and returns kOk.
  LockStatus acquire(const OwnerId& owner, Level level,
                     const std::vector<std::string>& names, Mode mode,
                     const AcquireOptions& options = {});

  /// Every name at `level` (Ganeti's ALL_SET): the level-wide lock in
  /// `mode`, then all current names in `mode`. While it is held nobody else
  /// can add names at the level (add() waits), so the owner has the whole
  /// level; with kExclusive it may add names itself. Names removed while
  /// waited for are skipped. Same order rules as acquire().
  LockStatus acquireAll(const OwnerId& owner, Level level, Mode mode,
                        const AcquireOptions& options = {});

  /// Releases everything the owner holds at `level`. Releasing the BGL
  /// while holding locks at later levels is a std::logic_error (Ganeti).
  void release(const OwnerId& owner, Level level);
  /// Releases some names (e.g. node-res released early). Every name must
  /// be held (std::logic_error). Gives up "all names" if it was held.
  void release(const OwnerId& owner, Level level,
               const std::vector<std::string>& names);
  /// Releases everything, last level first. A no-op for an unknown owner.
  void releaseAll(const OwnerId& owner);

  /// Exclusive to shared for `names` (all held names when empty); waiting
  /// shared requests go ahead where now compatible. The level-wide lock
  /// follows once no name at the level is held exclusively.
  void downgrade(const OwnerId& owner, Level level,
                 const std::vector<std::string>& names = {});

  /// New names at a modifiable level (instance/node created). Takes the
  /// level-wide lock exclusively for the moment of adding, so it waits
  /// while anybody holds the whole level, unless `owner` itself holds it
  /// exclusively. With `acquireAs` the owner holds the new names in that
  /// mode. Order rules: nothing held above `level`; at `level` nothing or
  /// all names exclusively. kAlreadyExists adds none.
  LockStatus add(const OwnerId& owner, Level level,
                 const std::vector<std::string>& names,
                 std::optional<Mode> acquireAs = std::nullopt,
                 const AcquireOptions& options = {});

  /// Deletes names at a modifiable level: each is taken exclusively unless
  /// the owner already holds it so, then removed; waiters for it get
  /// kNotFound. Unknown names are skipped. Order rules: the owner holds
  /// all of `names` exclusively, or nothing at `level` and above.
  RemoveOutcome remove(const OwnerId& owner, Level level,
                       const std::vector<std::string>& names,
                       const AcquireOptions& options = {});

  // --- introspection -----------------------------------------------------

  /// Names existing at `level`, sorted.
  std::vector<std::string> names(Level level) const;
  bool isOwned(const OwnerId& owner, Level level) const;
  /// Names held at `level`, sorted (Ganeti's list_owned).
  std::vector<std::string> ownedNames(const OwnerId& owner,
                                      Level level) const;
  std::optional<Mode> ownedMode(const OwnerId& owner, Level level,
                                std::string_view name) const;
  /// Whether the owner holds the whole level (acquireAll).
  bool owningAll(const OwnerId& owner, Level level) const;
  /// Owners holding anything, sorted.
  std::vector<OwnerId> owners() const;
  /// Every lock in acquisition order (level, level-wide lock, names), for
  /// `gnt-debug locks`.
  std::vector<LockInfo> queryLocks() const;
  /// Waits until the lock `name` at `level` (kLockSetName for the
  /// level-wide one) has at least `count` waiters; false on timeout (a
  /// lock that does not exist has none). Lets tests order threads without
  /// sleeping.
  bool awaitPending(Level level, std::string_view name, std::size_t count,
                    std::chrono::nanoseconds timeout) const;

 private:
  struct Lock;
  struct Waiter;
  struct OwnerState;
  struct WaitContext;
  using LockPtr = std::shared_ptr<Lock>;
  using Deadline = std::optional<std::chrono::steady_clock::time_point>;

  struct LevelState {
    LockPtr levelLock;
    std::map<std::string, LockPtr, std::less<>> members;
  };

  OwnerState& enterCall(const OwnerId& owner, const char* what);
  void leaveCall(OwnerState& state);
  void checkNothingFrom(const OwnerState& state, Level level,
                        const char* what) const;
  LockStatus acquireOne(std::unique_lock<std::mutex>& lock, OwnerState& state,
                        const LockPtr& target, Mode mode,
                        const AcquireOptions& options,
                        const Deadline& deadline, WaitContext& context);
  void grant(OwnerState& state, const LockPtr& target, Mode mode);
  void serveWaiters(Lock& target);
  void dequeue(Lock& target, Waiter& waiter);
  void releaseHold(OwnerState& state, LockPtr target);
  void releaseLevel(OwnerState& state, Level level);
  void releaseLevelLock(OwnerState& state, Level level);
  void deleteLock(OwnerState& state, const LockPtr& target);
  void noteQueueChange();
  /// A cancel of `options.cancel` wakes the call waiting on `context`.
  /// Keep the result declared before the mutex guard (see acquire()).
  CancelToken::Subscription wakeOnCancel(const AcquireOptions& options,
                                         WaitContext& context);
  const OwnerState* findOwner(const OwnerId& owner) const;
  const Lock* findLock(Level level, std::string_view name) const;

  mutable std::mutex mutex_;
  std::array<LevelState, kLevelCount> levels_;
  std::unordered_map<OwnerId, std::unique_ptr<OwnerState>> owners_;
  std::uint64_t nextSequence_ = 0;
  // awaitPending() callers; queue changes notify them only when present.
  mutable std::condition_variable queueChanged_;
  mutable std::size_t queueObservers_ = 0;
};

}  // namespace gantry::core::locking
