// Ganeti's schedule for lock attempts: growing timeouts, then a higher
// priority, and finally a blocking acquire (jobs-and-opcodes §6).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

namespace gantry::core::locking {

/// Opcode priorities: lower numbers are served first.
inline constexpr int kPriorityHighest = -20;
inline constexpr int kPriorityLowest = 19;

/// The timeout series before jitter (mcpu._CalculateLockAttemptTimeouts):
/// 5 s, then (previous * 1.05)^1.25 kept within 5..75 s, until the sum
/// reaches 1800 s (10 h spread over the 20 steps from priority 0 to -20).
const std::vector<std::chrono::duration<double>>& lockAttemptTimeouts();

/// One opcode's lock attempts. Not thread-safe (one per opcode).
class LockAttemptStrategy {
 public:
  /// `random` returns values in [0, 1); it places the ±5% jitter that keeps
  /// jobs fighting for the same locks from retrying in step.
  explicit LockAttemptStrategy(int priority,
                               std::function<double()> random = {});

  /// The timeout for the next attempt, or nullopt once the series is used
  /// up: then the acquire should block.
  std::optional<std::chrono::nanoseconds> nextTimeout();

  /// Call after an attempt timed out. When the series is used up and the
  /// priority is above kPriorityHighest, raises it by one (lowers the
  /// number), restarts the series and returns true: the job should record
  /// the new priority. Otherwise returns false.
  bool checkPriorityIncrease();

  int priority() const { return priority_; }

 private:
  int priority_;
  std::size_t next_ = 0;
  std::function<double()> random_;
};

}  // namespace gantry::core::locking
