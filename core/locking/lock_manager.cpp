#include "core/locking/lock_manager.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace gantry::core::locking {

// One named lock (or a level-wide one). Held through shared_ptr so that a
// waiter or a releasing owner keeps it alive after remove() has erased it
// from its level.
struct LockManager::Lock : std::enable_shared_from_this<Lock> {
  Lock(Level lockLevel, std::string lockName, bool isLevelWide)
      : level(lockLevel), name(std::move(lockName)), levelWide(isLevelWide) {}

  bool admits(Mode mode) const {
    if (exclusive != nullptr) return false;
    return mode == Mode::kShared || shared.empty();
  }

  Level level;
  std::string name;
  bool levelWide;
  bool deleted = false;
  OwnerState* exclusive = nullptr;
  std::vector<OwnerState*> shared;
  std::vector<Waiter*> queue;  // serving order: (priority, sequence)
};

// A request queued on one lock; lives on the waiting thread's stack.
struct LockManager::Waiter {
  enum class State : std::uint8_t { kWaiting, kGranted, kDeleted };

  OwnerState* owner;
  Mode mode;
  int priority;
  std::uint64_t sequence;
  std::condition_variable* wake;
  State state = State::kWaiting;
};

// One per waiting call: the cancel waker must reach whichever lock the
// call is queued on at that moment.
struct LockManager::WaitContext {
  std::condition_variable wake;
};

CancelToken::Subscription LockManager::wakeOnCancel(const AcquireOptions& options,
                                                   WaitContext& context) {
  return CancelToken::Subscription(options.cancel, [this, &context] {
    std::lock_guard guard(mutex_);
    context.wake.notify_all();
  });
}

struct LockManager::OwnerState {
  struct LevelHold {
    std::optional<Mode> levelLock;  // set: holds the whole level
    std::map<std::string, std::pair<LockPtr, Mode>, std::less<>> names;
    bool empty() const { return !levelLock && names.empty(); }
  };

  explicit OwnerState(OwnerId ownerId) : id(std::move(ownerId)) {}
  bool holdsNothing() const {
    return std::all_of(levels.begin(), levels.end(),
                       [](const LevelHold& hold) { return hold.empty(); });
  }

  OwnerId id;
  bool inCall = false;
  std::array<LevelHold, kLevelCount> levels;
};

namespace {

template <typename F>
class ScopeExit {
 public:
  explicit ScopeExit(F fn) : fn_(std::move(fn)) {}
  ScopeExit(const ScopeExit&) = delete;
  ScopeExit& operator=(const ScopeExit&) = delete;
  ~ScopeExit() { fn_(); }

 private:
  F fn_;
};

bool isCancelled(const AcquireOptions& options) {
  return options.cancel != nullptr && options.cancel->isCancelled();
}

std::vector<std::string> sortedUnique(const std::vector<std::string>& names) {
  std::vector<std::string> result(names);
  std::sort(result.begin(), result.end());
  result.erase(std::unique(result.begin(), result.end()), result.end());
  return result;
}

void checkMemberName(Level level, std::string_view name) {
  if (name.empty() || name == kLockSetName) {
    throw std::invalid_argument("Invalid lock name '" +
                                lockName(level, name) + "'");
  }
  if (level == Level::kCluster && name != kBglName) {
    throw std::invalid_argument("The cluster level has only the lock '" +
                                std::string(kBglName) + "'");
  }
}

void checkModifiable(Level level, const char* what) {
  if (!isModifiableLevel(level)) {
    throw std::invalid_argument(std::string("Cannot ") + what +
                                " locks at level '" +
                                std::string(levelName(level)) + "'");
  }
}

// Beyond this a deadline would overflow the clock; it means "forever".
constexpr std::chrono::hours kForever{24 * 365 * 100};

std::optional<std::chrono::steady_clock::time_point> deadlineFor(
    const AcquireOptions& options) {
  if (!options.timeout || *options.timeout >= kForever) return std::nullopt;
  return std::chrono::steady_clock::now() +
         std::max(*options.timeout, std::chrono::nanoseconds::zero());
}

}  // namespace

std::string_view lockStatusName(LockStatus status) {
  switch (status) {
    case LockStatus::kOk:
      return "ok";
    case LockStatus::kTimeout:
      return "timeout";
    case LockStatus::kCancelled:
      return "cancelled";
    case LockStatus::kNotFound:
      return "not found";
    case LockStatus::kAlreadyExists:
      return "already exists";
  }
  return "unknown";
}

LockManager::LockManager(const InitialLocks& initial) {
  for (Level level : kAllLevels) {
    levels_[levelIndex(level)].levelLock =
        std::make_shared<Lock>(level, std::string(kLockSetName), true);
  }
  auto addNames = [this](Level level, const std::vector<std::string>& names) {
    auto& members = levels_[levelIndex(level)].members;
    for (const std::string& name : names) {
      checkMemberName(level, name);
      members.try_emplace(name, std::make_shared<Lock>(level, name, false));
    }
  };
  addNames(Level::kCluster, {std::string(kBglName)});
  addNames(Level::kInstance, initial.instances);
  addNames(Level::kNodeGroup, initial.nodeGroups);
  addNames(Level::kNode, initial.nodes);
  addNames(Level::kNodeRes, initial.nodes);
  addNames(Level::kNetwork, initial.networks);
}

LockManager::~LockManager() = default;

// --- bookkeeping -------------------------------------------------------

LockManager::OwnerState& LockManager::enterCall(const OwnerId& owner,
                                                const char* what) {
  auto& slot = owners_[owner];
  if (!slot) slot = std::make_unique<OwnerState>(owner);
  if (slot->inCall) {
    throw std::logic_error("Owner '" + owner + "' cannot " + what +
                           " while another lock call of it is running");
  }
  slot->inCall = true;
  return *slot;
}

void LockManager::leaveCall(OwnerState& state) {
  state.inCall = false;
  if (state.holdsNothing()) owners_.erase(owners_.find(state.id));
}

void LockManager::checkNothingFrom(const OwnerState& state, Level level,
                                   const char* what) const {
  for (std::size_t i = levelIndex(level); i < kLevelCount; ++i) {
    if (!state.levels[i].empty()) {
      throw std::logic_error(
          "Lock order: owner '" + state.id + "' cannot " + what +
          " at level '" + std::string(levelName(level)) +
          "' while holding locks at level '" +
          std::string(levelName(kAllLevels[i])) + "'");
    }
  }
}

void LockManager::noteQueueChange() {
  if (queueObservers_ > 0) queueChanged_.notify_all();
}

const LockManager::OwnerState* LockManager::findOwner(
    const OwnerId& owner) const {
  auto it = owners_.find(owner);
  return it == owners_.end() ? nullptr : it->second.get();
}

const LockManager::Lock* LockManager::findLock(Level level,
                                               std::string_view name) const {
  const LevelState& state = levels_[levelIndex(level)];
  if (name == kLockSetName) return state.levelLock.get();
  auto it = state.members.find(name);
  return it == state.members.end() ? nullptr : it->second.get();
}

// --- the core of one lock: grant, queue, serve --------------------------

void LockManager::grant(OwnerState& state, const LockPtr& target, Mode mode) {
  if (mode == Mode::kExclusive) {
    target->exclusive = &state;
  } else {
    target->shared.push_back(&state);
  }
  auto& hold = state.levels[levelIndex(target->level)];
  if (target->levelWide) {
    hold.levelLock = mode;
  } else {
    hold.names[target->name] = {target, mode};
  }
}

void LockManager::serveWaiters(Lock& target) {
  bool served = false;
  while (!target.queue.empty()) {
    Waiter* waiter = target.queue.front();
    if (!target.admits(waiter->mode)) break;
    target.queue.erase(target.queue.begin());
    grant(*waiter->owner, target.shared_from_this(), waiter->mode);
    waiter->state = Waiter::State::kGranted;
    waiter->wake->notify_all();
    served = true;
  }
  if (served) noteQueueChange();
}

void LockManager::dequeue(Lock& target, Waiter& waiter) {
  auto& queue = target.queue;
  queue.erase(std::find(queue.begin(), queue.end(), &waiter));
  // The leaver may have been what kept compatible waiters behind it.
  serveWaiters(target);
  noteQueueChange();
}

LockStatus LockManager::acquireOne(std::unique_lock<std::mutex>& lock,
                                   OwnerState& state, const LockPtr& target,
                                   Mode mode, const AcquireOptions& options,
                                   const Deadline& deadline,
                                   WaitContext& context) {
  if (isCancelled(options)) return LockStatus::kCancelled;
  if (target->deleted) return LockStatus::kNotFound;
  auto& queue = target->queue;
  // Served at once only if no queued waiter comes first: a queued request
  // of equal or higher priority keeps later ones out (no writer starvation).
  if (target->admits(mode) &&
      (queue.empty() || queue.front()->priority > options.priority)) {
    grant(state, target, mode);
    return LockStatus::kOk;
  }
  if (deadline && std::chrono::steady_clock::now() >= *deadline) {
    return LockStatus::kTimeout;
  }

  Waiter waiter{&state, mode, options.priority, nextSequence_++,
                &context.wake};
  auto position = std::upper_bound(
      queue.begin(), queue.end(), options.priority,
      [](int priority, const Waiter* other) {
        return priority < other->priority;
      });
  queue.insert(position, &waiter);
  noteQueueChange();

  for (;;) {
    if (waiter.state == Waiter::State::kGranted) return LockStatus::kOk;
    if (waiter.state == Waiter::State::kDeleted) return LockStatus::kNotFound;
    if (isCancelled(options)) {
      dequeue(*target, waiter);
      return LockStatus::kCancelled;
    }
    if (!deadline) {
      context.wake.wait(lock);
    } else if (context.wake.wait_until(lock, *deadline) ==
                   std::cv_status::timeout &&
               waiter.state == Waiter::State::kWaiting) {
      dequeue(*target, waiter);
      return LockStatus::kTimeout;
    }
  }
}

void LockManager::releaseHold(OwnerState& state, LockPtr target) {
  if (target->exclusive == &state) {
    target->exclusive = nullptr;
  } else {
    auto& shared = target->shared;
    auto it = std::find(shared.begin(), shared.end(), &state);
    if (it != shared.end()) shared.erase(it);
  }
  auto& hold = state.levels[levelIndex(target->level)];
  if (target->levelWide) {
    hold.levelLock.reset();
  } else {
    hold.names.erase(target->name);
  }
  serveWaiters(*target);
}

void LockManager::releaseLevelLock(OwnerState& state, Level level) {
  if (state.levels[levelIndex(level)].levelLock) {
    releaseHold(state, levels_[levelIndex(level)].levelLock);
  }
}

void LockManager::releaseLevel(OwnerState& state, Level level) {
  // The level-wide lock first, as Ganeti: adding names may resume while
  // the names are still being let go.
  releaseLevelLock(state, level);
  auto& names = state.levels[levelIndex(level)].names;
  while (!names.empty()) releaseHold(state, names.begin()->second.first);
}

void LockManager::deleteLock(OwnerState& state, const LockPtr& target) {
  Lock& lock = *target;
  lock.deleted = true;
  lock.exclusive = nullptr;
  state.levels[levelIndex(lock.level)].names.erase(lock.name);
  for (Waiter* waiter : lock.queue) {
    waiter->state = Waiter::State::kDeleted;
    waiter->wake->notify_all();
  }
  if (!lock.queue.empty()) {
    lock.queue.clear();
    noteQueueChange();
  }
  levels_[levelIndex(lock.level)].members.erase(lock.name);
}

// --- public calls ---------------------------------------------------------

LockStatus LockManager::acquire(const OwnerId& owner, Level level,
                                const std::vector<std::string>& names,
                                Mode mode, const AcquireOptions& options) {
  const std::vector<std::string> wanted = sortedUnique(names);
  const Deadline deadline = deadlineFor(options);
  WaitContext context;
  // Declared before the mutex guard: unsubscribing happens unlocked, after
  // it, so a concurrent cancel() (token mutex, then ours) cannot deadlock.
  CancelToken::Subscription subscription = wakeOnCancel(options, context);
  std::unique_lock lock(mutex_);
  OwnerState& state = enterCall(owner, "acquire locks");
  ScopeExit leave([this, &state] { leaveCall(state); });
  checkNothingFrom(state, level, "acquire locks");

  if (isCancelled(options)) return LockStatus::kCancelled;
  const LevelState& levelState = levels_[levelIndex(level)];
  std::vector<LockPtr> targets;
  targets.reserve(wanted.size());
  for (const std::string& name : wanted) {
    auto it = levelState.members.find(name);
    if (it == levelState.members.end()) return LockStatus::kNotFound;
    targets.push_back(it->second);
  }
  for (const LockPtr& target : targets) {
    LockStatus status =
        acquireOne(lock, state, target, mode, options, deadline, context);
    if (status != LockStatus::kOk) {
      releaseLevel(state, level);
      return status;
    }
  }
  return LockStatus::kOk;
}

LockStatus LockManager::acquireAll(const OwnerId& owner, Level level,
                                   Mode mode, const AcquireOptions& options) {
  const Deadline deadline = deadlineFor(options);
  WaitContext context;
  CancelToken::Subscription subscription = wakeOnCancel(options, context);
  std::unique_lock lock(mutex_);
  OwnerState& state = enterCall(owner, "acquire locks");
  ScopeExit leave([this, &state] { leaveCall(state); });
  checkNothingFrom(state, level, "acquire locks");

  const LevelState& levelState = levels_[levelIndex(level)];
  LockStatus status = acquireOne(lock, state, levelState.levelLock, mode,
                                 options, deadline, context);
  if (status != LockStatus::kOk) return status;
  // Holding the level-wide lock keeps add() out, so this list is complete;
  // names may still be removed, which only shortens it.
  std::vector<LockPtr> targets;
  targets.reserve(levelState.members.size());
  for (const auto& entry : levelState.members) targets.push_back(entry.second);
  for (const LockPtr& target : targets) {
    status = acquireOne(lock, state, target, mode, options, deadline, context);
    if (status == LockStatus::kNotFound) continue;
    if (status != LockStatus::kOk) {
      releaseLevel(state, level);
      return status;
    }
  }
  return LockStatus::kOk;
}

void LockManager::release(const OwnerId& owner, Level level) {
  std::lock_guard guard(mutex_);
  OwnerState& state = enterCall(owner, "release locks");
  ScopeExit leave([this, &state] { leaveCall(state); });
  if (level == Level::kCluster &&
      !state.levels[levelIndex(Level::kCluster)].empty()) {
    checkNothingFrom(state, Level::kInstance, "release the BGL");
  }
  releaseLevel(state, level);
}

void LockManager::release(const OwnerId& owner, Level level,
                          const std::vector<std::string>& names) {
  std::lock_guard guard(mutex_);
  OwnerState& state = enterCall(owner, "release locks");
  ScopeExit leave([this, &state] { leaveCall(state); });
  auto& hold = state.levels[levelIndex(level)];
  for (const std::string& name : names) {
    if (!hold.names.contains(name)) {
      throw std::logic_error("Owner '" + owner + "' cannot release '" +
                             lockName(level, name) + "': not held");
    }
  }
  if (level == Level::kCluster && !names.empty()) {
    checkNothingFrom(state, Level::kInstance, "release the BGL");
  }
  if (names.empty()) return;
  releaseLevelLock(state, level);
  for (const std::string& name : names) {
    auto it = hold.names.find(name);
    if (it != hold.names.end()) releaseHold(state, it->second.first);
  }
}

void LockManager::releaseAll(const OwnerId& owner) {
  std::lock_guard guard(mutex_);
  OwnerState& state = enterCall(owner, "release locks");
  ScopeExit leave([this, &state] { leaveCall(state); });
  for (std::size_t i = kLevelCount; i-- > 0;) {
    releaseLevel(state, kAllLevels[i]);
  }
}

void LockManager::downgrade(const OwnerId& owner, Level level,
                            const std::vector<std::string>& names) {
  std::lock_guard guard(mutex_);
  OwnerState& state = enterCall(owner, "downgrade locks");
  ScopeExit leave([this, &state] { leaveCall(state); });
  auto& hold = state.levels[levelIndex(level)];
  std::vector<std::string> wanted;
  if (names.empty()) {
    for (const auto& entry : hold.names) wanted.push_back(entry.first);
  } else {
    wanted = sortedUnique(names);
  }
  for (const std::string& name : wanted) {
    if (!hold.names.contains(name)) {
      throw std::logic_error("Owner '" + owner + "' cannot downgrade '" +
                             lockName(level, name) + "': not held");
    }
  }
  auto toShared = [this, &state](Lock& target) {
    if (target.exclusive != &state) return;
    target.exclusive = nullptr;
    target.shared.push_back(&state);
    serveWaiters(target);
  };
  for (const std::string& name : wanted) {
    auto& entry = hold.names.find(name)->second;
    entry.second = Mode::kShared;
    toShared(*entry.first);
  }
  const bool anyExclusive =
      std::any_of(hold.names.begin(), hold.names.end(), [](const auto& entry) {
        return entry.second.second == Mode::kExclusive;
      });
  if (hold.levelLock == Mode::kExclusive && !anyExclusive) {
    hold.levelLock = Mode::kShared;
    toShared(*levels_[levelIndex(level)].levelLock);
  }
}

LockStatus LockManager::add(const OwnerId& owner, Level level,
                            const std::vector<std::string>& names,
                            std::optional<Mode> acquireAs,
                            const AcquireOptions& options) {
  checkModifiable(level, "add");
  const std::vector<std::string> wanted = sortedUnique(names);
  for (const std::string& name : wanted) checkMemberName(level, name);
  const Deadline deadline = deadlineFor(options);
  WaitContext context;
  CancelToken::Subscription subscription = wakeOnCancel(options, context);
  std::unique_lock lock(mutex_);
  OwnerState& state = enterCall(owner, "add locks");
  ScopeExit leave([this, &state] { leaveCall(state); });
  if (levelIndex(level) + 1 < kLevelCount) {
    checkNothingFrom(state, kAllLevels[levelIndex(level) + 1], "add locks");
  }
  const auto& hold = state.levels[levelIndex(level)];
  const bool ownsLevel = hold.levelLock == Mode::kExclusive;
  if (!hold.empty() && !ownsLevel) {
    throw std::logic_error("Owner '" + owner + "' cannot add locks at level '" +
                           std::string(levelName(level)) +
                           "' while holding some of it, or all of it shared");
  }
  if (wanted.empty()) return LockStatus::kOk;

  LevelState& levelState = levels_[levelIndex(level)];
  if (!ownsLevel) {
    LockStatus status =
        acquireOne(lock, state, levelState.levelLock, Mode::kExclusive,
                   options, deadline, context);
    if (status != LockStatus::kOk) return status;
  }
  ScopeExit dropLevel([this, &state, level, ownsLevel] {
    if (!ownsLevel) releaseLevelLock(state, level);
  });
  for (const std::string& name : wanted) {
    if (levelState.members.contains(name)) return LockStatus::kAlreadyExists;
  }
  for (const std::string& name : wanted) {
    auto created = std::make_shared<Lock>(level, name, false);
    levelState.members.emplace(name, created);
    if (acquireAs) grant(state, created, *acquireAs);
  }
  return LockStatus::kOk;
}

RemoveOutcome LockManager::remove(const OwnerId& owner, Level level,
                                  const std::vector<std::string>& names,
                                  const AcquireOptions& options) {
  checkModifiable(level, "remove");
  const std::vector<std::string> wanted = sortedUnique(names);
  const Deadline deadline = deadlineFor(options);
  WaitContext context;
  CancelToken::Subscription subscription = wakeOnCancel(options, context);
  std::unique_lock lock(mutex_);
  OwnerState& state = enterCall(owner, "remove locks");
  ScopeExit leave([this, &state] { leaveCall(state); });
  const auto& hold = state.levels[levelIndex(level)];
  if (hold.empty()) {
    checkNothingFrom(state, level, "remove locks");
  } else {
    for (const std::string& name : wanted) {
      auto it = hold.names.find(name);
      if (it == hold.names.end() || it->second.second != Mode::kExclusive) {
        throw std::logic_error("Owner '" + owner + "' cannot remove '" +
                               lockName(level, name) +
                               "' while holding other locks at its level "
                               "but not this one exclusively");
      }
    }
  }

  RemoveOutcome outcome;
  LevelState& levelState = levels_[levelIndex(level)];
  for (const std::string& name : wanted) {
    auto it = levelState.members.find(name);
    if (it == levelState.members.end()) continue;
    const LockPtr target = it->second;
    if (target->exclusive != &state) {
      LockStatus status = acquireOne(lock, state, target, Mode::kExclusive,
                                     options, deadline, context);
      if (status == LockStatus::kNotFound) continue;
      if (status != LockStatus::kOk) {
        outcome.status = status;
        break;
      }
    }
    deleteLock(state, target);
    outcome.removed.push_back(name);
  }
  return outcome;
}

// --- introspection --------------------------------------------------------

std::vector<std::string> LockManager::names(Level level) const {
  std::lock_guard guard(mutex_);
  std::vector<std::string> result;
  for (const auto& entry : levels_[levelIndex(level)].members) {
    result.push_back(entry.first);
  }
  return result;
}

bool LockManager::isOwned(const OwnerId& owner, Level level) const {
  std::lock_guard guard(mutex_);
  const OwnerState* state = findOwner(owner);
  return state != nullptr && !state->levels[levelIndex(level)].empty();
}

std::vector<std::string> LockManager::ownedNames(const OwnerId& owner,
                                                 Level level) const {
  std::lock_guard guard(mutex_);
  std::vector<std::string> result;
  if (const OwnerState* state = findOwner(owner)) {
    for (const auto& entry : state->levels[levelIndex(level)].names) {
      result.push_back(entry.first);
    }
  }
  return result;
}

std::optional<Mode> LockManager::ownedMode(const OwnerId& owner, Level level,
                                           std::string_view name) const {
  std::lock_guard guard(mutex_);
  const OwnerState* state = findOwner(owner);
  if (state == nullptr) return std::nullopt;
  const auto& hold = state->levels[levelIndex(level)];
  if (name == kLockSetName) return hold.levelLock;
  auto it = hold.names.find(name);
  if (it == hold.names.end()) return std::nullopt;
  return it->second.second;
}

bool LockManager::owningAll(const OwnerId& owner, Level level) const {
  std::lock_guard guard(mutex_);
  const OwnerState* state = findOwner(owner);
  return state != nullptr &&
         state->levels[levelIndex(level)].levelLock.has_value();
}

std::vector<OwnerId> LockManager::owners() const {
  std::lock_guard guard(mutex_);
  std::vector<OwnerId> result;
  for (const auto& entry : owners_) {
    if (!entry.second->holdsNothing()) result.push_back(entry.first);
  }
  std::sort(result.begin(), result.end());
  return result;
}

std::vector<LockInfo> LockManager::queryLocks() const {
  std::lock_guard guard(mutex_);
  std::vector<LockInfo> result;
  auto describe = [&result](const Lock& lock) {
    LockInfo info;
    info.name = lockName(lock.level, lock.name);
    if (lock.exclusive != nullptr) {
      info.mode = Mode::kExclusive;
      info.owners.push_back(lock.exclusive->id);
    } else if (!lock.shared.empty()) {
      info.mode = Mode::kShared;
      for (const OwnerState* holder : lock.shared) {
        info.owners.push_back(holder->id);
      }
      std::sort(info.owners.begin(), info.owners.end());
    }
    for (const Waiter* waiter : lock.queue) {
      info.pending.push_back({waiter->mode, waiter->owner->id,
                              waiter->priority});
    }
    result.push_back(std::move(info));
  };
  for (const LevelState& level : levels_) {
    describe(*level.levelLock);
    for (const auto& entry : level.members) describe(*entry.second);
  }
  return result;
}

bool LockManager::awaitPending(Level level, std::string_view name,
                               std::size_t count,
                               std::chrono::nanoseconds timeout) const {
  std::unique_lock lock(mutex_);
  ++queueObservers_;
  const bool reached = queueChanged_.wait_for(lock, timeout, [&] {
    const Lock* target = findLock(level, name);
    return target != nullptr && target->queue.size() >= count;
  });
  --queueObservers_;
  return reached;
}

}  // namespace gantry::core::locking
