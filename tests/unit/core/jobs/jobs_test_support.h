// Helpers for the job queue tests: temp queue directories, gates (no
// sleeping), a watchdog and a scriptable opcode runner.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/jobs/job_queue.h"

namespace gantry::core::jobs::testing {

/// A fresh directory, removed at the end. `fast` puts it on tmpfs when
/// there is one (fsync is then free; the code path is the same).
class TempDir {
 public:
  explicit TempDir(bool fast = true);
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Opens once; waiters block until then.
class Gate {
 public:
  void open();
  void wait();
  bool isOpen();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

/// Aborts the test binary if the scope lasts longer than `limit`, so a
/// hanging test fails instead of blocking the run.
class Watchdog {
 public:
  explicit Watchdog(std::chrono::seconds limit = std::chrono::seconds(20));
  ~Watchdog();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

/// Runs opcodes by their "action" key:
///   "ok" (default)  success, result = opcode["result"] (or null)
///   "fail"          error ["OpExecError", [opcode["message"]]]
///   "throw"         throws std::runtime_error(opcode["message"])
///   "gate"          waits for gate opcode["gate"] (locks "held" first
///                   unless "wait_locks": true: then waits before
///                   markRunning and gives up when canceled)
///   "cancellable"   declares itself cancellable and waits for the cancel
///   "log"           feedback of each opcode["messages"] then success
/// Every call is recorded (job id, op index) in start order.
class ScriptRunner : public OpcodeRunner {
 public:
  OpResult run(const nlohmann::json& opcode, OpContext& ctx) override;

  Gate& gate(const std::string& name);
  /// Blocks until `n` opcodes have started.
  void waitStarted(std::size_t n);
  std::vector<std::pair<JobId, std::size_t>> started();
  /// Optional hook called with the context before the action.
  std::function<void(const nlohmann::json&, OpContext&)> hook;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::unique_ptr<Gate>> gates_;
  std::vector<std::pair<JobId, std::size_t>> started_;
};

/// {"OP_ID": "OP_TEST_DUMMY", "reason": [], ...extra}.
nlohmann::json testOp(nlohmann::json extra = nlohmann::json::object());

JobQueueOptions testOptions(const std::filesystem::path& dir, int workers = 4);

/// Waits (condition variable based) until the job is finalized.
JobStatus waitFinal(JobQueue& queue, JobId id);

/// Reads a whole file.
std::string readText(const std::filesystem::path& path);

}  // namespace gantry::core::jobs::testing
