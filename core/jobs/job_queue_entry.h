// Internal to the job queue: one live job and its scheduling state. Every
// field is guarded by JobQueue::mu_.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <limits>
#include <utility>

#include "core/jobs/job.h"
#include "core/jobs/job_queue.h"

namespace gantry::core::jobs {

struct JobQueue::Entry {
  explicit Entry(Job j) : job(std::move(j)), log_serial(job.lastLogSerial()) {}

  Job job;
  /// Signalled on every change (waiters, cancel, archive).
  std::condition_variable changed;
  std::int64_t log_serial = 0;

  bool in_ready = false;       // in ready_, keyed by ready_key
  std::pair<int, JobId> ready_key{0, 0};
  bool in_worker = false;      // a worker owns it (status >= waiting then)
  bool parked = false;         // waiting for a dependency, no worker
  bool settled = false;        // finalized and the final write is durable
  bool archived = false;       // removed from the live queue

  // Dependency progress of the current opcode: deps before dep_index are
  // satisfied (Ganeti drops them one by one).
  std::size_t dep_op = std::numeric_limits<std::size_t>::max();
  std::size_t dep_index = 0;

  // The running opcode's cancellation. A kill (CancelJob with kill) stops
  // the running opcode even if it did not declare itself cancellable.
  bool cancellable = false;
  bool cancel_requested = false;
  bool kill_requested = false;

  /// Whether the running opcode is asked to stop now.
  bool stopRequested() const { return cancel_requested && (cancellable || kill_requested); }
};

}  // namespace gantry::core::jobs
