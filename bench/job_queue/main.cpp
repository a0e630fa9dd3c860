// bench_job_queue [--jobs N] [--clients C] [--workers W] [--dir PATH]
//                 [--no-sync]
// N trivial jobs (the runner does nothing) are submitted by C concurrent
// clients, each waiting for its job to succeed before submitting the next,
// as gnt-* clients do. Every state change is durable (unless --no-sync).
// Prints throughput and the submit -> success latency percentiles.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/jobs/job_queue.h"

namespace {

using namespace gantry::core::jobs;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

class NullRunner : public OpcodeRunner {
 public:
  OpResult run(const json&, OpContext& ctx) override {
    ctx.markRunning();
    return OpResult::success();
  }
};

void waitSuccess(JobQueue& queue, JobId id) {
  json prev = nullptr;
  std::optional<std::int64_t> serial;
  for (;;) {
    auto change = queue.waitForChange(id, {"status"}, prev, serial, std::chrono::seconds(60));
    auto status = parseStatus(change.info[0].get<std::string>());
    if (status && isFinalized(*status)) {
      if (*status != OpStatus::kSuccess) {
        std::fprintf(stderr, "job %lld ended %s\n", static_cast<long long>(id),
                     statusName(*status));
        std::exit(1);
      }
      return;
    }
    prev = change.info;
  }
}

}  // namespace

int main(int argc, char** argv) {
  int jobs = 10000;
  int clients = 64;
  int workers = 64;
  bool sync = true;
  std::filesystem::path dir;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--jobs") {
      jobs = std::stoi(next());
    } else if (arg == "--clients") {
      clients = std::stoi(next());
    } else if (arg == "--workers") {
      workers = std::stoi(next());
    } else if (arg == "--dir") {
      dir = next();
    } else if (arg == "--no-sync") {
      sync = false;
    } else {
      std::fprintf(stderr,
                   "usage: bench_job_queue [--jobs N] [--clients C] [--workers W] "
                   "[--dir PATH] [--no-sync]\n");
      return 2;
    }
  }
  bool own_dir = dir.empty();
  if (own_dir) {
    dir = std::filesystem::temp_directory_path() /
          ("gantry-bench-job-queue-" + std::to_string(::getpid()));
  }
  std::filesystem::remove_all(dir);

  std::vector<double> latencies_ms;
  Clock::duration elapsed{};
  {
    JobQueueOptions options;
    options.dir = dir;
    options.workers = workers;
    options.max_jobs = static_cast<std::size_t>(jobs) + 1;
    options.sync = sync;
    JobQueue queue(options);
    NullRunner runner;
    queue.start(runner);

    std::atomic<int> next{0};
    std::mutex mu;
    json op = {{"OP_ID", "OP_TEST_DELAY"}, {"duration", 0.0}, {"reason", json::array()}};
    auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
      threads.emplace_back([&] {
        std::vector<double> mine;
        while (next.fetch_add(1) < jobs) {
          auto t0 = Clock::now();
          JobId id = queue.submit({op});
          waitSuccess(queue, id);
          mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        }
        std::lock_guard lk(mu);
        latencies_ms.insert(latencies_ms.end(), mine.begin(), mine.end());
      });
    }
    for (auto& t : threads) t.join();
    elapsed = Clock::now() - start;
  }
  if (own_dir) std::filesystem::remove_all(dir);

  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto pct = [&](double p) {
    if (latencies_ms.empty()) return 0.0;
    auto index = static_cast<std::size_t>(p * static_cast<double>(latencies_ms.size() - 1));
    return latencies_ms[index];
  };
  double seconds = std::chrono::duration<double>(elapsed).count();
  std::printf("dir: %s%s\n", dir.c_str(), sync ? "" : " (no sync)");
  std::printf("jobs: %d, clients: %d, workers: %d, seconds: %.2f\n", jobs, clients, workers,
              seconds);
  std::printf("jobs/s: %.0f\n", static_cast<double>(jobs) / seconds);
  std::printf("latency p50: %.2f ms\n", pct(0.50));
  std::printf("latency p99: %.2f ms\n", pct(0.99));
  return 0;
}
