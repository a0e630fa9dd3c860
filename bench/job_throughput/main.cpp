// bench_job_throughput [--jobs N] [--clients C] [--workers W] [--fill N]
//                      [--dir PARENT] [--keep] [--no-sync]
// Starts a real gantry-masterd in a fresh root under PARENT (default /tmp)
// and measures, through its unix socket:
//  1. `gnt-job list` on the idle master (the whole tool, process start
//     included);
//  2. N OP_TEST_DELAY jobs (duration 0) from C concurrent clients, each
//     submitting a job and waiting for it to succeed before the next, as
//     gnt-* tools do: jobs/s and submit-to-success latency percentiles;
//  3. the same N jobs submitted in one SubmitManyJobs, then waited for;
//  4. `gnt-job list` (live jobs) and `gnt-job list --archived` once the
//     queue holds --fill jobs in all (archived + live).
// Every job state change is durable (journaled, fdatasync) as in
// production; --no-sync shows what durability costs. The first line is the
// cost of creating a file in PARENT, which every new job pays.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/luxi/client.h"
#include "core/luxi/errors.h"
#include "master_process.h"

namespace {

namespace fs = std::filesystem;
using gantry::bench::MasterProcess;
using gantry::core::luxi::Client;
using gantry::core::luxi::Json;
using Clock = std::chrono::steady_clock;

struct Options {
  int jobs = 1000;
  int clients = 64;
  int workers = 64;
  int fill = 10000;
  fs::path parent = "/tmp";
  bool keep = false;
  bool sync = true;
};

Options parseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--jobs") {
      o.jobs = std::stoi(value());
    } else if (arg == "--clients") {
      o.clients = std::stoi(value());
    } else if (arg == "--workers") {
      o.workers = std::stoi(value());
    } else if (arg == "--fill") {
      o.fill = std::stoi(value());
    } else if (arg == "--dir") {
      o.parent = value();
    } else if (arg == "--no-sync") {
      o.sync = false;
    } else if (arg == "--keep") {
      o.keep = true;
    } else {
      std::fprintf(stderr,
                   "usage: bench_job_throughput [--jobs N] [--clients C] [--workers W] "
                   "[--fill N] [--dir PARENT] [--keep] [--no-sync]\n");
      std::exit(2);
    }
  }
  return o;
}

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

Json delayJob() {
  return Json::array({Json{{"OP_ID", "OP_TEST_DELAY"}, {"duration", 0}}});
}

// Blocks until the job is finalized; exits the benchmark if it did not
// succeed (a failed job would make every figure meaningless).
void waitSuccess(Client& client, std::int64_t id) {
  Json previous = nullptr;
  for (;;) {
    Json change = client.waitForJobChange(id, {"status"}, previous, nullptr);
    if (!change.is_array()) continue;  // "nochange": wait again
    const std::string status = change[0][0].get<std::string>();
    if (status == "success") return;
    if (status == "error" || status == "canceled") {
      std::fprintf(stderr, "job %lld ended %s\n", static_cast<long long>(id), status.c_str());
      std::exit(1);
    }
    previous = change[0];
  }
}

// Median wall time of running a gnt-* tool `runs` times.
double toolMedianMs(const MasterProcess& master, const std::vector<std::string>& args,
                    int runs) {
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    auto start = Clock::now();
    if (int rc = master.tool("gnt-job", args); rc != 0) {
      std::fprintf(stderr, "gnt-job exited %d\n", rc);
      std::exit(1);
    }
    times.push_back(ms(Clock::now() - start));
  }
  return percentile(times, 0.5);
}

struct ClientRun {
  double seconds = 0;
  std::vector<double> latencies;
};

// `jobs` jobs from `clients` connections, each submit-then-wait in turn.
ClientRun runClients(const MasterProcess& master, int jobs, int clients) {
  ClientRun run;
  std::atomic<int> next{0};
  std::mutex mu;
  std::string failure;
  std::vector<std::thread> threads;
  auto start = Clock::now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      std::vector<double> mine;
      try {
        Client client = master.client();
        while (next.fetch_add(1) < jobs) {
          auto submitted = Clock::now();
          std::int64_t id = client.submitJob(delayJob());
          waitSuccess(client, id);
          mine.push_back(ms(Clock::now() - submitted));
        }
      } catch (const gantry::core::luxi::EncodedError& e) {
        std::lock_guard lock(mu);
        if (failure.empty()) failure = e.encode().dump();
      }
      std::lock_guard lock(mu);
      run.latencies.insert(run.latencies.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  if (!failure.empty()) throw std::runtime_error("a client failed: " + failure);
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return run;
}

// `jobs` jobs submitted in batches of at most 1,000 (the queue's default
// size per call is not limited, but a modest batch keeps messages small),
// then waited for. Returns the wall time in seconds.
double runBatch(const MasterProcess& master, int jobs) {
  Client client = master.client();
  auto start = Clock::now();
  std::vector<std::int64_t> ids;
  for (int done = 0; done < jobs;) {
    int n = std::min(1000, jobs - done);
    Json batch = Json::array();
    for (int i = 0; i < n; ++i) batch.push_back(delayJob());
    for (const auto& r : client.submitManyJobs(batch)) {
      if (!r[0].get<bool>()) {
        std::fprintf(stderr, "submit refused: %s\n", r[1].dump().c_str());
        std::exit(1);
      }
      ids.push_back(r[1].get<std::int64_t>());
    }
    done += n;
  }
  for (auto id : ids) waitSuccess(client, id);
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void archiveAll(const MasterProcess& master) {
  Client client = master.client();
  for (;;) {
    Json r = client.autoArchiveJobs(0);
    if (r[1].get<std::int64_t>() == 0) return;
  }
}

// Microseconds to create one small file in `dir` (average of 200). Job throughput depends on it: each new job is a new file. On ext4
// without a journal, inodes deleted in the last minutes are skipped one by
// one when allocating, so after a mass deletion nearby (the cleanup of a
// previous run) creating a file can cost a millisecond instead of tens of
// microseconds; this line shows which case a run met.
double fileCreateMicros(const fs::path& dir) {
  constexpr int kFiles = 200;
  const std::string data(2000, 'x');
  auto start = Clock::now();
  for (int i = 0; i < kFiles; ++i) {
    fs::path path = dir / ("probe-" + std::to_string(i));
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0) {
      if (::write(fd, data.data(), data.size()) < 0) std::perror("write");
      ::close(fd);
    }
  }
  const double micros = ms(Clock::now() - start) * 1000.0 / kFiles;
  for (int i = 0; i < kFiles; ++i) ::unlink((dir / ("probe-" + std::to_string(i))).c_str());
  return micros;
}

int run(const Options& o) {
  const fs::path binDir = fs::canonical("/proc/self/exe").parent_path();
  std::string tmpl = (o.parent / "gjt-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  const fs::path root = tmpl;
  int rc = 0;
  std::printf("file create in %s: %.0f us\n", o.parent.c_str(), fileCreateMicros(root));
  {
    MasterProcess master(binDir, root, o.workers, o.sync);
    master.start();
    std::printf("master: %d workers, root %s%s; %d clients\n", o.workers, root.c_str(),
                o.sync ? "" : " (--no-sync)", o.clients);

    std::printf("gnt-job list, idle master: %.1f ms (median of 20 runs)\n",
                toolMedianMs(master, {"list"}, 20));

    ClientRun clients = runClients(master, o.jobs, o.clients);
    std::printf("jobs/s: %.0f (%d jobs, %d clients, each submit then wait)\n",
                o.jobs / clients.seconds, o.jobs, o.clients);
    std::printf("latency p50: %.2f ms, p99: %.2f ms (submit to success)\n",
                percentile(clients.latencies, 0.5), percentile(clients.latencies, 0.99));

    double batch = runBatch(master, o.jobs);
    std::printf("jobs/s, one SubmitManyJobs then wait: %.0f (%d jobs)\n", o.jobs / batch,
                o.jobs);

    // Up to --fill jobs in all: the ones so far and more, archived, then
    // one last set left live.
    const int live = o.jobs;
    // Archived as they go: the queue holds at most 5,000 live jobs.
    const int more = std::max(0, o.fill - 2 * o.jobs - live);
    double archiveSeconds = 0;
    for (int done = 0;;) {
      auto archiveStart = Clock::now();
      archiveAll(master);
      archiveSeconds += std::chrono::duration<double>(Clock::now() - archiveStart).count();
      if (done >= more) break;
      const int n = std::min(1000, more - done);
      runBatch(master, n);
      done += n;
    }
    runBatch(master, live);
    const int total = 2 * o.jobs + more + live;
    std::printf("queue: %d jobs (%d archived in %.2f s, %d live)\n", total, total - live,
                archiveSeconds, live);
    std::printf("gnt-job list, %d live jobs: %.1f ms (median of 10 runs)\n", live,
                toolMedianMs(master, {"list"}, 10));
    std::printf("gnt-job list --archived, %d jobs: %.1f ms (median of 5 runs)\n", total,
                toolMedianMs(master, {"list", "--archived"}, 5));
    master.stop();
  }
  if (!o.keep) {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parseOptions(argc, argv);
  try {
    return run(o);
  } catch (const gantry::core::luxi::EncodedError& e) {
    std::fprintf(stderr, "bench_job_throughput: %s\n", e.encode().dump().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_job_throughput: %s\n", e.what());
  }
  return 1;
}
