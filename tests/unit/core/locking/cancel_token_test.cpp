#include "core/locking/cancel_token.h"

#include <gtest/gtest.h>

#include <optional>

using gantry::core::locking::CancelToken;

TEST(CancelToken, CancelRunsEachWakerOnce) {
  CancelToken token;
  int first = 0;
  int second = 0;
  CancelToken::Subscription a(&token, [&] { ++first; });
  CancelToken::Subscription b(&token, [&] { ++second; });
  EXPECT_FALSE(token.isCancelled());
  token.cancel();
  EXPECT_TRUE(token.isCancelled());
  token.cancel();
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 1);
}

TEST(CancelToken, EndedSubscriptionIsNotWoken) {
  CancelToken token;
  int woken = 0;
  std::optional<CancelToken::Subscription> gone;
  gone.emplace(&token, [&] { ++woken; });
  gone.reset();
  CancelToken::Subscription kept(&token, [&] { woken += 10; });
  token.cancel();
  EXPECT_EQ(woken, 10);
}

TEST(CancelToken, SubscribingAfterCancelDoesNotRun) {
  CancelToken token;
  token.cancel();
  int woken = 0;
  CancelToken::Subscription late(&token, [&] { ++woken; });
  EXPECT_EQ(woken, 0);
  EXPECT_TRUE(token.isCancelled());
}

TEST(CancelToken, NullTokenSubscriptionIsInert) {
  int woken = 0;
  CancelToken::Subscription none(nullptr, [&] { ++woken; });
  EXPECT_EQ(woken, 0);
}
