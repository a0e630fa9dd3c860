#include "jobs_test_support.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

namespace gantry::core::jobs::testing {

namespace fs = std::filesystem;
using nlohmann::json;

TempDir::TempDir(bool fast) {
  static std::atomic<int> counter{0};
  fs::path base = fs::temp_directory_path();
  std::error_code ec;
  if (fast && fs::is_directory("/dev/shm", ec) && ::access("/dev/shm", W_OK) == 0) {
    base = "/dev/shm";
  }
  path_ = base / ("gantry-jobs-test-" + std::to_string(::getpid()) + "-" +
                  std::to_string(counter++));
  fs::remove_all(path_, ec);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void Gate::open() {
  std::lock_guard lk(mu_);
  open_ = true;
  cv_.notify_all();
}

void Gate::wait() {
  std::unique_lock lk(mu_);
  cv_.wait(lk, [&] { return open_; });
}

bool Gate::isOpen() {
  std::lock_guard lk(mu_);
  return open_;
}

Watchdog::Watchdog(std::chrono::seconds limit) {
  thread_ = std::thread([this, limit] {
    std::unique_lock lk(mu_);
    if (!cv_.wait_for(lk, limit, [&] { return done_; })) {
      std::fprintf(stderr, "watchdog: test exceeded its time limit\n");
      std::abort();
    }
  });
}

Watchdog::~Watchdog() {
  {
    std::lock_guard lk(mu_);
    done_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

Gate& ScriptRunner::gate(const std::string& name) {
  std::lock_guard lk(mu_);
  auto& g = gates_[name];
  if (!g) g = std::make_unique<Gate>();
  return *g;
}

void ScriptRunner::waitStarted(std::size_t n) {
  std::unique_lock lk(mu_);
  cv_.wait(lk, [&] { return started_.size() >= n; });
}

std::vector<std::pair<JobId, std::size_t>> ScriptRunner::started() {
  std::lock_guard lk(mu_);
  return started_;
}

OpResult ScriptRunner::run(const json& opcode, OpContext& ctx) {
  {
    std::lock_guard lk(mu_);
    started_.emplace_back(ctx.jobId(), ctx.opIndex());
    cv_.notify_all();
  }
  if (hook) hook(opcode, ctx);
  std::string action = opcode.value("action", std::string("ok"));
  if (action == "gate" && opcode.value("wait_locks", false)) {
    // Lock wait that honours cancellation: poll-free, the gate is opened
    // by the test after it asked for the cancel.
    gate(opcode.at("gate").get<std::string>()).wait();
    if (!ctx.markRunning()) return OpResult::canceled();
    return OpResult::success(opcode.value("result", json()));
  }
  if (!ctx.markRunning()) return OpResult::canceled();
  if (action == "fail") {
    return OpResult::error(encodeOpExecError(opcode.value("message", std::string("failed"))));
  }
  if (action == "throw") throw std::runtime_error(opcode.value("message", std::string("boom")));
  if (action == "cancellable") {
    ctx.setCancellable(true);
    if (ctx.waitCancelRequested(std::chrono::seconds(60))) return OpResult::canceled();
  }
  if (action == "gate") {
    gate(opcode.at("gate").get<std::string>()).wait();
    if (ctx.cancelRequested()) return OpResult::canceled();
  }
  if (action == "log") {
    for (const auto& m : opcode.at("messages")) ctx.feedback(m.get<std::string>());
    if (opcode.contains("gate")) gate(opcode.at("gate").get<std::string>()).wait();
  }
  return OpResult::success(opcode.value("result", json()));
}

json testOp(json extra) {
  json op = {{"OP_ID", "OP_TEST_DUMMY"}, {"reason", json::array()}};
  for (auto& [k, v] : extra.items()) op[k] = v;
  return op;
}

JobQueueOptions testOptions(const fs::path& dir, int workers) {
  JobQueueOptions o;
  o.dir = dir;
  o.workers = workers;
  o.lazy_write_delay = std::chrono::milliseconds(20);
  return o;
}

JobStatus waitFinal(JobQueue& queue, JobId id) {
  json prev = nullptr;
  std::optional<std::int64_t> serial;
  for (;;) {
    JobChange change = queue.waitForChange(id, {"status"}, prev, serial, std::chrono::seconds(30));
    for (const auto& entry : change.logs) serial = entry[0].get<std::int64_t>();
    auto status = parseStatus(change.info[0].get<std::string>());
    if (status && isFinalized(*status)) return *status;
    prev = change.info;
  }
}

std::string readText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace gantry::core::jobs::testing
