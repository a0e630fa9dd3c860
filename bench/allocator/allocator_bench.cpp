// Allocator scale benchmark: Gantry's hail on generated clusters of 10 to
// 5,000 nodes (allocate with and without the global N+1 check,
// multi-allocate of 10, node-evacuate), time and peak heap per size, the
// growth exponent, and, when Ganeti's hail is installed, the same requests
// through it (time limit per run) with speed ratios and agreement.
//
//   bench_allocator [--sizes=10,20,...] [--ganeti=PATH|--no-ganeti]
//                   [--ganeti-limit=SECONDS] [--repeat=N] [--large-repeat=N]
//                   [--save-requests=DIR]
// --repeat applies below 1,000 nodes; --large-repeat (default 1) from 1,000
// nodes on, where one run takes seconds.
// --save-requests writes each request as DIR/<nodes>-<request>.json, to feed
// an allocator executable by hand or to profile one run.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cluster_generator.h"
#include "external_run.h"
#include "gantry/sdk/allocator/request.h"
#include "counting_allocator.h"
#include "hail_allocator.h"

namespace {

namespace fs = std::filesystem;
namespace ba = gantry::bench::allocator;
namespace sdk = gantry::sdk;
using Clock = std::chrono::steady_clock;

struct OpSpec {
  std::string label;
  sdk::AllocatorOptions options;
};

const std::vector<OpSpec>& ops() {
  static const std::vector<OpSpec> kOps = {
      {"alloc+N1", {}},
      {"alloc", {{"no-capacity-checks", std::nullopt}}},
      {"multi10", {}},
      {"evac", {}},
  };
  return kOps;
}

std::string requestFor(const ba::GeneratedCluster& c, std::size_t op) {
  switch (op) {
    case 0:
    case 1:
      return ba::allocateRequest(c, "drbd");
    case 2:
      return ba::multiAllocateRequest(c, 10);
    default: {
      // The busiest non-drained node of the first group.
      std::size_t best = 0;
      for (std::size_t n = 0; n < c.instancesOfNode.size() && n < 64; ++n) {
        if (c.instancesOfNode[n].size() > c.instancesOfNode[best].size()) best = n;
      }
      return ba::nodeEvacuateRequest(c, static_cast<int>(best));
    }
  }
}

struct Measure {
  double seconds = 0;
  double parseSeconds = 0;  // reading the request alone
  std::size_t peakBytes = 0;
  std::string answer;  // `result` JSON, or an error
  bool success = false;
};

Measure runGantry(const std::string& request, const sdk::AllocatorOptions& options, int repeat) {
  gantry::plugins::hail::HailAllocator hail(nullptr);
  Measure m;
  m.seconds = 1e30;
  for (int r = 0; r < repeat; ++r) {
    ba::resetHeapPeak();
    const std::size_t before = ba::heapInUse();
    const auto start = Clock::now();
    auto out = hail.run(request, options);
    const double took = std::chrono::duration<double>(Clock::now() - start).count();
    m.peakBytes = std::max(m.peakBytes, ba::heapPeak() - before);
    m.seconds = std::min(m.seconds, took);
    const auto parseStart = Clock::now();
    auto parsed = gantry::sdk::allocator::parseRequest(request);
    m.parseSeconds = std::chrono::duration<double>(Clock::now() - parseStart).count();
    if (!parsed.ok()) m.answer = "error: " + parsed.error().message;
    if (!out.ok()) {
      m.answer = "error: " + out.error().message;
      continue;
    }
    auto j = nlohmann::json::parse(*out);
    m.success = j["success"].get<bool>();
    m.answer = j["result"].dump();
  }
  return m;
}

std::optional<Measure> runExternal(const fs::path& program, const std::string& request,
                                   const sdk::AllocatorOptions& options, double limitSeconds,
                                   bool* timedOut) {
  std::vector<std::string> args;
  for (const auto& [k, v] : options) args.push_back(v ? "--" + k + "=" + *v : "--" + k);
  const auto r = ba::runAllocatorProgram(program, request, args, limitSeconds);
  *timedOut = r.timedOut;
  if (r.timedOut) return std::nullopt;
  Measure m;
  m.seconds = r.seconds;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  if (r.exitCode != 0 || j.is_discarded() || !j.is_object()) {
    m.answer = "error: exit " + std::to_string(r.exitCode);
    return m;
  }
  m.success = j.value("success", false);
  m.answer = j.contains("result") ? j["result"].dump() : "";
  return m;
}

std::optional<fs::path> findGanetiHail() {
  for (const char* p : {"/usr/bin/hail", "/usr/lib/ganeti/iallocators/hail",
                        "/usr/lib/ganeti/3.0/usr/lib/ganeti/iallocators/hail"}) {
    if (fs::exists(p)) return fs::path(p);
  }
  return std::nullopt;
}

std::string human(std::size_t bytes) {
  char buf[32];
  if (bytes >= (1u << 30)) {
    std::snprintf(buf, sizeof buf, "%.2f GiB", bytes / double(1u << 30));
  } else if (bytes >= (1u << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", bytes / double(1u << 20));
  } else {
    std::snprintf(buf, sizeof buf, "%.0f KiB", bytes / 1024.0);
  }
  return buf;
}

std::string seconds(double s) {
  char buf[32];
  if (s < 0.001) {
    std::snprintf(buf, sizeof buf, "%.0f us", s * 1e6);
  } else if (s < 1) {
    std::snprintf(buf, sizeof buf, "%.1f ms", s * 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f s", s);
  }
  return buf;
}

// Least-squares slope of log(time) over log(nodes).
double slope(const std::vector<std::pair<double, double>>& points) {
  if (points.size() < 2) return NAN;
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const auto& [x, y] : points) {
    sx += std::log(x);
    sy += std::log(y);
    sxx += std::log(x) * std::log(x);
    sxy += std::log(x) * std::log(y);
  }
  const double n = static_cast<double>(points.size());
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes = {10, 20, 50, 100, 1000, 5000};
  std::optional<fs::path> ganeti = findGanetiHail();
  double limit = 60;
  int repeat = 3;
  int largeRepeat = 1;
  std::optional<fs::path> saveDir;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--sizes=", 0) == 0) {
      sizes.clear();
      std::string list = a.substr(8);
      for (std::size_t pos = 0; pos <= list.size();) {
        std::size_t comma = list.find(',', pos);
        if (comma == std::string::npos) comma = list.size();
        sizes.push_back(std::stoi(list.substr(pos, comma - pos)));
        pos = comma + 1;
      }
    } else if (a == "--no-ganeti") {
      ganeti.reset();
    } else if (a.rfind("--ganeti=", 0) == 0) {
      ganeti = fs::path(a.substr(9));
    } else if (a.rfind("--ganeti-limit=", 0) == 0) {
      limit = std::stod(a.substr(15));
    } else if (a.rfind("--repeat=", 0) == 0) {
      repeat = std::max(1, std::stoi(a.substr(9)));
    } else if (a.rfind("--large-repeat=", 0) == 0) {
      largeRepeat = std::max(1, std::stoi(a.substr(15)));
    } else if (a.rfind("--save-requests=", 0) == 0) {
      saveDir = fs::path(a.substr(16));
      fs::create_directories(*saveDir);
    } else {
      std::fprintf(stderr, "usage: %s [--sizes=10,20] [--ganeti=PATH|--no-ganeti] "
                           "[--ganeti-limit=S] [--repeat=N] [--large-repeat=N] "
                           "[--save-requests=DIR]\n", argv[0]);
      return 2;
    }
  }
  const fs::path gantryExe = GANTRY_HAIL_EXE;
  std::printf("Allocator benchmark: Gantry hail (in-process plugin%s)%s\n",
              fs::exists(gantryExe) ? " and executable" : "",
              ganeti ? (" vs Ganeti hail " + ganeti->string()).c_str()
                     : " (Ganeti hail not found: no comparison)");
  std::printf("time = best of %d in-process runs (%d from 1,000 nodes on) of the plugin (parse + answer), (parse) = "
              "reading the request alone; heap = peak bytes allocated during one run; exe = "
              "Gantry's hail executable, ganeti = Ganeti's hail, both run as external "
              "allocators (process start, file, JSON); speedup = ganeti / exe\n\n",
              repeat, largeRepeat);
  std::printf("%6s %6s %6s  %-9s %10s %10s %10s %8s", "nodes", "inst", "groups", "request",
              "time", "(parse)", "heap", "ok");
  if (ganeti) std::printf(" %10s %10s %8s %s", "exe", "ganeti", "speedup", "agree");
  std::printf("\n");

  std::map<std::string, std::vector<std::pair<double, double>>> growth;
  std::map<std::string, bool> ganetiGaveUp;
  int agreeCount = 0, compared = 0;
  for (int size : sizes) {
    const auto cluster = ba::generateCluster(size, 1000 + size);
    for (std::size_t op = 0; op < ops().size(); ++op) {
      const OpSpec& spec = ops()[op];
      const std::string request = requestFor(cluster, op);
      if (saveDir) {
        std::ofstream(*saveDir / (std::to_string(size) + "-" + spec.label + ".json")) << request;
      }
      const Measure g = runGantry(request, spec.options, size >= 1000 ? largeRepeat : repeat);
      growth[spec.label].emplace_back(size, std::max(g.seconds, 1e-6));
      std::printf("%6d %6d %6d  %-9s %10s %10s %10s %8s", size, cluster.instances,
                  cluster.groups, spec.label.c_str(), seconds(g.seconds).c_str(),
                  seconds(g.parseSeconds).c_str(), human(g.peakBytes).c_str(),
                  g.answer.rfind("error", 0) == 0 ? "error" : (g.success ? "yes" : "no"));
      if (ganeti) {
        bool timedOut = false;
        std::optional<Measure> exe;
        if (fs::exists(gantryExe)) exe = runExternal(gantryExe, request, spec.options, 600, &timedOut);
        std::optional<Measure> ref;
        if (!ganetiGaveUp[spec.label]) {
          ref = runExternal(*ganeti, request, spec.options, limit, &timedOut);
          if (!ref) ganetiGaveUp[spec.label] = true;
        }
        std::printf(" %10s", exe ? seconds(exe->seconds).c_str() : "-");
        if (ref) {
          const bool agree = ref->success == g.success && ref->answer == g.answer;
          ++compared;
          agreeCount += agree ? 1 : 0;
          std::printf(" %10s %7.1fx %s", seconds(ref->seconds).c_str(),
                      ref->seconds / (exe ? exe->seconds : g.seconds), agree ? "same" : "DIFFERENT");
          if (!agree) {
            std::printf("\n        gantry: %.200s\n        ganeti: %.200s", g.answer.c_str(),
                        ref->answer.c_str());
          }
        } else {
          std::string over = seconds(limit);
          over.insert(over.begin(), '>');
          std::printf(" %10s %8s %s", over.c_str(), "-", "skipped");
        }
      }
      std::printf("\n");
      std::fflush(stdout);
    }
  }
  std::printf("\nGrowth exponent (log-log slope of time over nodes):\n");
  for (const auto& spec : ops()) {
    const auto& pts = growth[spec.label];
    std::vector<std::pair<double, double>> large;
    for (const auto& p : pts) {
      if (p.first >= 100) large.push_back(p);
    }
    // A slope needs two sizes; with fewer it is said, not printed as nan.
    auto slopeText = [](const std::vector<std::pair<double, double>>& points) {
      if (points.size() < 2) return std::string("n/a (one size)");
      char text[32];
      std::snprintf(text, sizeof text, "%.2f", slope(points));
      return std::string(text);
    };
    std::printf("  %-9s all sizes %s, 100 nodes and up %s\n", spec.label.c_str(),
                slopeText(pts).c_str(), slopeText(large).c_str());
  }
  if (compared) {
    std::printf("\nAgreement with Ganeti's hail: %d of %d answers identical\n", agreeCount,
                compared);
  }
  struct rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("Process peak RSS: %s\n", human(static_cast<std::size_t>(ru.ru_maxrss) * 1024).c_str());
  return 0;
}
