#include <gtest/gtest.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <thread>

#include "cpu_pinning.h"

namespace gantry::plugins::kvm {
namespace {

TEST(KvmCpuPinning, ParsesGanetisMultiMasks) {
  auto masks = parseMultiCpuMask("0-2,4:all:1");
  ASSERT_TRUE(masks);
  ASSERT_EQ(masks->size(), 3u);
  EXPECT_EQ((*masks)[0], (std::vector<int>{0, 1, 2, 4}));
  EXPECT_FALSE((*masks)[1].has_value());
  EXPECT_EQ((*masks)[2], (std::vector<int>{1}));
  EXPECT_TRUE(pinsAnything(*masks));
  auto all = parseMultiCpuMask("all");
  ASSERT_TRUE(all);
  EXPECT_FALSE(pinsAnything(*all));
  EXPECT_FALSE(parseMultiCpuMask("3-1"));
  EXPECT_FALSE(parseMultiCpuMask("0,,1"));
  EXPECT_FALSE(parseMultiCpuMask("0:"));
  EXPECT_FALSE(parseMultiCpuMask("x"));
}

TEST(KvmCpuPinning, CountOfMasksMustMatchTheVcpus) {
  auto masks = parseMultiCpuMask("0:0:0");
  ASSERT_TRUE(masks);
  auto applied = applyCpuPinning(::getpid(), {::getpid()}, *masks);
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.error().message,
            "Number of CPU masks (3) does not match the number of vCPUs (1)");
}

TEST(KvmCpuPinning, PinsAThread) {
  // A helper thread of this process stands in for a vCPU thread.
  pid_t tid = 0;
  std::atomic<bool> done{false};
  std::atomic<bool> started{false};
  std::thread worker([&] {
    tid = static_cast<pid_t>(::syscall(SYS_gettid));
    started = true;
    while (!done) std::this_thread::yield();
  });
  while (!started) std::this_thread::yield();
  auto masks = parseMultiCpuMask("0:all");
  ASSERT_TRUE(masks);
  auto applied = applyCpuPinning(::getpid(), {tid, ::getpid()}, *masks);
  EXPECT_TRUE(applied) << (applied ? "" : applied.error().message);
  cpu_set_t set;
  CPU_ZERO(&set);
  ASSERT_EQ(::sched_getaffinity(tid, sizeof set, &set), 0);
  EXPECT_EQ(CPU_COUNT(&set), 1);
  EXPECT_TRUE(CPU_ISSET(0, &set));
  done = true;
  worker.join();
}

}  // namespace
}  // namespace gantry::plugins::kvm
