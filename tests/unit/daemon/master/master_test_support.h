// A master without its socket: a real job queue whose opcodes run through
// the real logical-unit processor and lock manager, in a temp root.
// Tests register stand-in logical units for the opcodes they need.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/jobs/job_queue.h"
#include "core/locking/lock_manager.h"
#include "daemon/master/lu/processor.h"
#include "daemon/master/master_services.h"

namespace gantry::daemon::master::testing {

struct MasterHarnessOptions {
  int workers = 4;
  core::locking::InitialLocks locks;
};

class MasterHarness {
 public:
  explicit MasterHarness(MasterHarnessOptions options = {});
  ~MasterHarness();

  const std::filesystem::path& root() const { return root_; }
  core::jobs::JobQueue& queue() { return *queue_; }
  MasterServices& services() { return services_; }

  core::jobs::JobId submit(std::vector<nlohmann::json> ops);
  /// Blocks until the job is finalized (fails the test after 20 s).
  core::jobs::Job waitFinal(core::jobs::JobId id);
  /// Every "message" log line of the job, in order.
  std::vector<std::string> messages(const core::jobs::Job& job) const;

 private:
  std::filesystem::path root_;
  std::unique_ptr<core::locking::LockManager> locks_;
  MasterServices services_;
  std::unique_ptr<Processor> processor_;
  std::unique_ptr<core::jobs::JobQueue> queue_;
};

/// Writes an executable script (mode 0755) with the given body.
void writeScript(const std::filesystem::path& path, const std::string& body);

}  // namespace gantry::daemon::master::testing
