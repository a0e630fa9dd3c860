// A daemon's "shutting down" flag that long procedures can wait on, so a
// test_delay or a retry loop ends as soon as the daemon is told to stop.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace gantry::core::rpc {

class StopSignal {
 public:
  /// Idempotent; wakes every waiter.
  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopped_ = true;
    }
    cv_.notify_all();
  }

  bool stopped() const {
    std::lock_guard lock(mutex_);
    return stopped_;
  }

  /// Sleeps up to `duration`; true if stop() ended the wait (or came first).
  template <typename Rep, typename Period>
  bool waitFor(std::chrono::duration<Rep, Period> duration) const {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, duration, [this] { return stopped_; });
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  bool stopped_ = false;
};

}  // namespace gantry::core::rpc
