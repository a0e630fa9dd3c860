#include "core/locking/cancel_token.h"

#include <algorithm>

namespace gantry::core::locking {

void CancelToken::cancel() {
  std::lock_guard guard(mutex_);
  if (cancelled_.exchange(true, std::memory_order_acq_rel)) return;
  // Run under mutex_ so a Subscription being destroyed waits for its waker
  // to finish instead of leaving it with dangling captures.
  for (auto& entry : wakers_) entry.second();
  wakers_.clear();
}

CancelToken::Subscription::Subscription(CancelToken* token,
                                        std::function<void()> waker)
    : token_(token) {
  if (token_ == nullptr) return;
  std::lock_guard guard(token_->mutex_);
  if (token_->cancelled_.load(std::memory_order_acquire)) {
    token_ = nullptr;
    return;
  }
  id_ = token_->nextId_++;
  token_->wakers_.emplace_back(id_, std::move(waker));
}

CancelToken::Subscription::~Subscription() {
  if (token_ == nullptr) return;
  std::lock_guard guard(token_->mutex_);
  auto& wakers = token_->wakers_;
  wakers.erase(std::remove_if(wakers.begin(), wakers.end(),
                              [this](const auto& entry) {
                                return entry.first == id_;
                              }),
               wakers.end());
}

}  // namespace gantry::core::locking
