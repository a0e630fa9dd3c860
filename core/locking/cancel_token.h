// A cancellation flag that also wakes whoever is blocked on its behalf.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

namespace gantry::core::locking {

/// One per job (or opcode): the job queue calls cancel() when the job is
/// canceled; every lock acquire given this token then returns
/// LockStatus::kCancelled, including one that is already waiting.
/// Thread-safe. Not copyable: waiters hold its address.
class CancelToken {
 public:
  CancelToken() = default;
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;
  ~CancelToken() = default;

  /// Idempotent. Runs every registered waker (once each) before returning.
  void cancel();
  bool isCancelled() const noexcept {
    return cancelled_.load(std::memory_order_acquire);
  }

  /// Registration of a waker for as long as the object lives. The waker
  /// runs at most once, inside cancel(), with the token's own mutex held:
  /// it must not touch this token. The destructor waits for a waker that
  /// is running, so the waker may use anything that outlives the
  /// Subscription. A waker subscribed after cancel() does not run; check
  /// isCancelled() after subscribing.
  class Subscription {
   public:
    Subscription() = default;
    Subscription(CancelToken* token, std::function<void()> waker);
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    ~Subscription();

   private:
    CancelToken* token_ = nullptr;
    std::uint64_t id_ = 0;
  };

 private:
  std::mutex mutex_;
  std::atomic<bool> cancelled_{false};
  std::uint64_t nextId_ = 1;
  std::vector<std::pair<std::uint64_t, std::function<void()>>> wakers_;
};

}  // namespace gantry::core::locking
