// Runs a test body on its own thread; if it does not finish within the
// limit the test fails and the process ends, so a deadlock cannot hang the
// run. Shared by the threaded lock-manager tests.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <thread>

namespace gantry::testing {

inline void runWithWatchdog(const std::function<void()>& body,
                            std::chrono::seconds limit = std::chrono::seconds(10)) {
  std::promise<void> finished;
  std::future<void> done = finished.get_future();
  std::thread runner([&] {
    try {
      body();
      finished.set_value();
    } catch (...) {
      finished.set_exception(std::current_exception());
    }
  });
  if (done.wait_for(limit) != std::future_status::ready) {
    ADD_FAILURE() << "watchdog: not finished after " << limit.count()
                  << " s (deadlock?)";
    std::fflush(nullptr);
    std::_Exit(EXIT_FAILURE);
  }
  runner.join();
  done.get();
}

}  // namespace gantry::testing
