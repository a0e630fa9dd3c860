// Job and opcode states (Ganeti's seven names, ordered: comparisons are
// meaningful, e.g. "started" = status > queued, "finalized" = > running).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace gantry::core::jobs {

using JobId = std::int64_t;

enum class OpStatus : int {
  kQueued = 0,
  kWaiting = 1,
  kCanceling = 2,
  kRunning = 3,
  kCanceled = 4,
  kSuccess = 5,
  kError = 6,
};
/// Jobs and opcodes share the names and the order.
using JobStatus = OpStatus;

/// "queued", "waiting", "canceling", "running", "canceled", "success", "error".
const char* statusName(OpStatus status) noexcept;
std::optional<OpStatus> parseStatus(std::string_view name) noexcept;

/// canceled, success, error.
constexpr bool isFinalized(OpStatus s) noexcept { return s > OpStatus::kRunning; }
/// queued, waiting, canceling.
constexpr bool isPending(OpStatus s) noexcept { return s < OpStatus::kRunning; }

/// Priorities: lower number runs first. Valid at submit: -10, 0, 10;
/// internal range (lock-timeout escalation) -20..19.
inline constexpr int kPriorityHighest = -20;
inline constexpr int kPriorityLowest = 19;
inline constexpr int kPriorityDefault = 0;

}  // namespace gantry::core::jobs
