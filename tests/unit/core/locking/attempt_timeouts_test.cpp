#include "core/locking/attempt_timeouts.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

namespace locking = gantry::core::locking;
using locking::LockAttemptStrategy;
using Seconds = std::chrono::duration<double>;

TEST(LockAttemptTimeouts, GrowFromFiveSecondsCappedAtSeventyFive) {
  const auto& timeouts = locking::lockAttemptTimeouts();
  ASSERT_GE(timeouts.size(), 3u);
  EXPECT_DOUBLE_EQ(timeouts[0].count(), 5.0);
  EXPECT_NEAR(timeouts[1].count(), std::pow(5.0 * 1.05, 1.25), 1e-9);
  EXPECT_NEAR(timeouts[1].count(), 7.9469, 1e-4);
  double sum = 0;
  for (std::size_t i = 0; i < timeouts.size(); ++i) {
    EXPECT_GE(timeouts[i].count(), 5.0);
    EXPECT_LE(timeouts[i].count(), 75.0);
    if (i > 0) {
      EXPECT_GE(timeouts[i].count(), timeouts[i - 1].count());
    }
    sum += timeouts[i].count();
  }
  EXPECT_DOUBLE_EQ(timeouts.back().count(), 75.0);
  // Stops as soon as the sum reaches 1800 s.
  EXPECT_GE(sum, 1800.0);
  EXPECT_LT(sum - timeouts.back().count(), 1800.0);
  EXPECT_EQ(timeouts.size(), 28u);
}

TEST(LockAttemptTimeouts, JitterIsFivePercentEitherWay) {
  double value = 0.0;
  LockAttemptStrategy low(0, [&value] { return value; });
  EXPECT_NEAR(Seconds(*low.nextTimeout()).count(), 4.75, 1e-6);
  value = 0.5;
  LockAttemptStrategy mid(0, [&value] { return value; });
  EXPECT_NEAR(Seconds(*mid.nextTimeout()).count(), 5.0, 1e-6);
  value = 0.999999;
  LockAttemptStrategy high(0, [&value] { return value; });
  EXPECT_NEAR(Seconds(*high.nextTimeout()).count(), 5.25, 1e-5);
}

TEST(LockAttemptTimeouts, PriorityRisesAfterSeriesThenBlocks) {
  LockAttemptStrategy strategy(-19, [] { return 0.5; });
  const std::size_t steps = locking::lockAttemptTimeouts().size();
  EXPECT_FALSE(strategy.checkPriorityIncrease());  // series not used up
  for (std::size_t i = 0; i < steps; ++i) {
    ASSERT_TRUE(strategy.nextTimeout().has_value()) << i;
  }
  EXPECT_EQ(strategy.nextTimeout(), std::nullopt);
  EXPECT_TRUE(strategy.checkPriorityIncrease());
  EXPECT_EQ(strategy.priority(), -20);
  // The series starts over at the new priority.
  EXPECT_NEAR(Seconds(*strategy.nextTimeout()).count(), 5.0, 1e-6);
  for (std::size_t i = 1; i < steps; ++i) {
    ASSERT_TRUE(strategy.nextTimeout().has_value()) << i;
  }
  // At the highest priority with the series used up: blocking from now on.
  EXPECT_FALSE(strategy.checkPriorityIncrease());
  EXPECT_EQ(strategy.priority(), locking::kPriorityHighest);
  EXPECT_EQ(strategy.nextTimeout(), std::nullopt);
  EXPECT_EQ(strategy.nextTimeout(), std::nullopt);
}
