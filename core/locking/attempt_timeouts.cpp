#include "core/locking/attempt_timeouts.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <utility>

namespace gantry::core::locking {

namespace {

constexpr double kMinWaitSeconds = 5.0;
constexpr double kMaxWaitSeconds = 75.0;
// 10 hours over the 20 priority steps from normal (0) to highest (-20).
constexpr double kTotalWaitSeconds = 10 * 3600.0 / 20;

double uniformRandom() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

}  // namespace

const std::vector<std::chrono::duration<double>>& lockAttemptTimeouts() {
  static const std::vector<std::chrono::duration<double>> timeouts = [] {
    std::vector<std::chrono::duration<double>> result;
    double last = kMinWaitSeconds;
    double sum = last;
    result.emplace_back(last);
    while (sum < kTotalWaitSeconds) {
      last = std::clamp(std::pow(last * 1.05, 1.25), kMinWaitSeconds,
                        kMaxWaitSeconds);
      result.emplace_back(last);
      sum += last;
    }
    return result;
  }();
  return timeouts;
}

LockAttemptStrategy::LockAttemptStrategy(int priority,
                                         std::function<double()> random)
    : priority_(priority),
      random_(random ? std::move(random) : std::function<double()>(
                                               uniformRandom)) {}

std::optional<std::chrono::nanoseconds> LockAttemptStrategy::nextTimeout() {
  const auto& timeouts = lockAttemptTimeouts();
  if (next_ >= timeouts.size()) return std::nullopt;
  const double base = timeouts[next_++].count();
  const double range = base * 0.1;
  const double seconds = base + random_() * range - range * 0.5;
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double>(seconds));
}

bool LockAttemptStrategy::checkPriorityIncrease() {
  if (next_ < lockAttemptTimeouts().size() || priority_ <= kPriorityHighest) {
    return false;
  }
  --priority_;
  next_ = 0;
  return true;
}

}  // namespace gantry::core::locking
