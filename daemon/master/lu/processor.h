// Runs opcodes for the job queue: finds the logical unit, takes its locks
// in Ganeti's level order, and walks it through its phases.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "core/jobs/op_runner.h"
#include "daemon/master/master_services.h"

namespace gantry::core::locking {
class CancelToken;
}

namespace gantry::daemon::master {

class Processor : public core::jobs::OpcodeRunner {
 public:
  explicit Processor(MasterServices& services);
  ~Processor() override;

  core::jobs::OpResult run(const nlohmann::json& opcode,
                           core::jobs::OpContext& ctx) override;

 private:
  struct Watched {
    core::jobs::OpContext* context;
    core::locking::CancelToken* token;
    bool operator<(const Watched& o) const { return token < o.token; }
  };
  // The queue reports cancellation through OpContext::cancelRequested();
  // lock waits need a token that wakes them, so one thread relays it.
  void watchLoop();

  MasterServices& services_;
  std::mutex watchMutex_;
  std::condition_variable watchCv_;
  std::set<Watched> watched_;
  bool stopping_ = false;
  std::thread watcher_;
};

}  // namespace gantry::daemon::master
