// The executing half of JobQueue: worker threads, the per-opcode state
// machine, dependencies and the context handed to the opcode runner.
#include <algorithm>

#include "core/jobs/dependencies.h"
#include "core/jobs/job_file.h"
#include "core/jobs/job_queue.h"
#include "core/jobs/job_queue_entry.h"

namespace gantry::core::jobs {

using nlohmann::json;

namespace {
constexpr const char* kCanceledByRequest = "Job canceled by request";
}  // namespace

// ---------------------------------------------------------------------------
// The runner's view of its opcode

class JobQueue::Context : public OpContext {
 public:
  Context(JobQueue& queue, EntryPtr entry, std::size_t index)
      : q_(queue), e_(std::move(entry)), index_(index), count_(e_->job.ops.size()),
        id_(e_->job.id) {}

  JobId jobId() const override { return id_; }
  std::size_t opIndex() const override { return index_; }
  std::size_t opCount() const override { return count_; }

  int priority() const override {
    std::lock_guard lk(q_.mu_);
    return op().priority;
  }

  void setPriority(int priority) override {
    std::lock_guard lk(q_.mu_);
    op().priority = std::clamp(priority, kPriorityHighest, kPriorityLowest);
    q_.touch(*e_);
    q_.writer_->markDirty(id_);
  }

  void feedback(std::string_view type, json message) override {
    std::lock_guard lk(q_.mu_);
    append(type, std::move(message));
    q_.touch(*e_);
    q_.writer_->markDirty(id_, false);
  }

  void feedbackList(const std::vector<std::string>& messages) override {
    std::lock_guard lk(q_.mu_);
    for (const auto& m : messages) append("message", m);
    q_.touch(*e_);
    q_.writer_->markDirty(id_, false);
  }

  bool cancelRequested() const override {
    std::lock_guard lk(q_.mu_);
    return op().status == OpStatus::kCanceling || e_->stopRequested();
  }

  bool waitCancelRequested(std::chrono::milliseconds timeout) override {
    std::unique_lock lk(q_.mu_);
    return e_->changed.wait_for(lk, timeout, [&] {
      return op().status == OpStatus::kCanceling || e_->stopRequested();
    });
  }

  bool markRunning() override {
    std::lock_guard lk(q_.mu_);
    QueuedOpcode& o = op();
    if (o.status == OpStatus::kCanceling) return false;
    if (o.status != OpStatus::kWaiting) return o.status == OpStatus::kRunning;
    o.status = OpStatus::kRunning;
    o.exec_timestamp = Timestamp::now();
    q_.touch(*e_);
    q_.writer_->markDirty(id_);
    return true;
  }

  void markWaiting() override {
    std::lock_guard lk(q_.mu_);
    if (op().status != OpStatus::kRunning) return;
    op().status = OpStatus::kWaiting;
    q_.touch(*e_);
    q_.writer_->markDirty(id_);
  }

  void setCancellable(bool cancellable) override {
    std::lock_guard lk(q_.mu_);
    e_->cancellable = cancellable;
  }

  json submitJobs(const std::vector<std::vector<json>>& jobs) override {
    json parent;
    {
      std::lock_guard lk(q_.mu_);
      parent = op().input;
    }
    std::vector<std::vector<json>> children = jobs;
    for (auto& job : children) {
      for (auto& child : job) inherit(parent, child);
    }
    return submitResultsJson(q_.submitJobs(children, true));
  }

 private:
  QueuedOpcode& op() const { return e_->job.ops[index_]; }

  void append(std::string_view type, json message) {
    LogEntry entry;
    entry.serial = ++e_->log_serial;
    entry.time = Timestamp::now();
    entry.type = std::string(type);
    entry.message = std::move(message);
    op().log.push_back(std::move(entry));
  }

  // Ganeti's rules for LU-generated jobs (mcpu._SetBaseOpParams).
  static void inherit(const json& parent, json& child) {
    if (!parent.is_object() || !child.is_object()) return;
    auto unset = [&](const char* key) {
      auto it = child.find(key);
      return it == child.end() || it->is_null();
    };
    if (unset("debug_level") && parent.contains("debug_level")) {
      child["debug_level"] = parent["debug_level"];
    }
    if (unset("priority") && parent.contains("priority") && !parent["priority"].is_null()) {
      child["priority"] = parent["priority"];
    }
    if (unset("comment") || (child["comment"].is_string() &&
                             child["comment"].get_ref<const std::string&>().empty())) {
      std::string op_id = parent.value("OP_ID", std::string());
      child["comment"] = "Submitted by " + op_id;
    }
    json trail = child.contains("reason") && child["reason"].is_array() ? child["reason"]
                                                                        : json::array();
    if (parent.contains("reason") && parent["reason"].is_array()) {
      for (const auto& r : parent["reason"]) trail.push_back(r);
    }
    child["reason"] = std::move(trail);
  }

  JobQueue& q_;
  EntryPtr e_;
  std::size_t index_;
  std::size_t count_;
  JobId id_;
};

// ---------------------------------------------------------------------------
// Scheduling

void JobQueue::touch(Entry& e) { e.changed.notify_all(); }

void JobQueue::pushReady(const EntryPtr& e) {
  if (e->in_ready) return;
  e->ready_key = {e->job.priority(), e->job.id};
  ready_.insert(e->ready_key);
  e->in_ready = true;
  work_cv_.notify_one();
}

void JobQueue::removeReady(const EntryPtr& e) {
  if (!e->in_ready) return;
  ready_.erase(e->ready_key);
  e->in_ready = false;
}

void JobQueue::workerLoop() {
  std::unique_lock lk(mu_);
  for (;;) {
    work_cv_.wait(lk, [&] { return stopping_ || !ready_.empty(); });
    if (stopping_) return;
    JobId id = ready_.begin()->second;
    ready_.erase(ready_.begin());
    auto it = jobs_.find(id);
    if (it == jobs_.end()) continue;
    EntryPtr e = it->second;
    e->in_ready = false;
    e->in_worker = true;
    processJob(e, lk);
    e->in_worker = false;
    touch(*e);
  }
}

std::optional<OpStatus> JobQueue::dependencyStatus(JobId id) const {
  auto it = jobs_.find(id);
  if (it != jobs_.end()) {
    const Entry& dep = *it->second;
    // A final state counts once it is durable; until then: still running.
    if (dep.job.finalized() && !dep.settled) return OpStatus::kRunning;
    return dep.job.status();
  }
  if (auto job = loadArchived(id)) return job->status();
  return std::nullopt;
}

// Returns true when the opcode may run; false when the job was parked
// (waiting for a dependency) or finished (error, canceled).
bool JobQueue::checkDependencies(const EntryPtr& e, std::size_t index,
                                 std::unique_lock<std::mutex>& lk) {
  Job& job = e->job;
  if (e->dep_op != index) {
    e->dep_op = index;
    e->dep_index = 0;
  }
  auto deps = opcodeDependencies(job.ops[index].input);
  std::string prefix = "Job " + std::to_string(job.id) + " Op " + std::to_string(index + 1) +
                       "/" + std::to_string(job.ops.size()) + ": ";
  while (e->dep_index < deps.size()) {
    const Dependency& dep = deps[e->dep_index];
    DependencyCheck check = checkDependency(job.id, dep, dependencyStatus(dep.job));
    daemonLog(sdk::LogLevel::kInfo, prefix + check.message);
    switch (check.outcome) {
      case DependencyOutcome::kContinue:
        ++e->dep_index;
        break;
      case DependencyOutcome::kWait:
        dep_waiters_[dep.job].push_back(job.id);
        e->parked = true;
        return false;
      case DependencyOutcome::kCancel:
        finishCanceled(e, index, lk);
        return false;
      case DependencyOutcome::kError:
        finishError(e, index, encodeOpExecError(check.message), lk);
        return false;
    }
  }
  return true;
}

void JobQueue::processJob(const EntryPtr& e, std::unique_lock<std::mutex>& lk) {
  Job& job = e->job;
  for (;;) {
    std::size_t index = job.nextOpcodeIndex();
    if (index >= job.ops.size()) return;  // finalized meanwhile
    QueuedOpcode& op = job.ops[index];
    if (op.status == OpStatus::kCanceling) {
      finishCanceled(e, index, lk);
      return;
    }

    // queued -> waiting; the start must be on disk before anything runs.
    bool changed = false;
    if (op.status == OpStatus::kQueued) {
      op.status = OpStatus::kWaiting;
      changed = true;
    }
    if (!op.start_timestamp) {
      op.start_timestamp = Timestamp::now();
      changed = true;
    }
    if (!job.start_timestamp) {
      job.start_timestamp = op.start_timestamp;
      changed = true;
    }
    if (changed) {
      op.result = nullptr;
      touch(*e);
      std::uint64_t seq = writer_->markDirty(job.id);
      lk.unlock();
      bool durable = writer_->waitDurable(seq, job.id);
      lk.lock();
      if (!durable) {
        // Running it could not be undone after a crash: refuse.
        finishError(e, index, encodeOpExecError("Cannot write the job file"), lk);
        return;
      }
      if (op.status == OpStatus::kCanceling) {
        finishCanceled(e, index, lk);
        return;
      }
    }

    if (!checkDependencies(e, index, lk)) return;

    e->cancellable = false;
    lk.unlock();
    OpResult result;
    try {
      Context ctx(*this, e, index);
      result = runner_->run(op.input, ctx);
    } catch (const JobQueueError& ex) {
      result = OpResult::error(ex.encoded());
    } catch (const std::exception& ex) {
      result = OpResult::error(encodeOpExecError(ex.what()));
    } catch (...) {
      result = OpResult::error(encodeOpExecError("Unknown error"));
    }
    lk.lock();
    e->cancellable = false;
    applyResult(e, index, std::move(result), lk);
    if (job.finalized()) return;
  }
}

void JobQueue::applyResult(const EntryPtr& e, std::size_t index, OpResult result,
                           std::unique_lock<std::mutex>& lk) {
  Job& job = e->job;
  QueuedOpcode& op = job.ops[index];
  if (result.kind == OpResult::Kind::kError) {
    finishError(e, index, result.value, lk);
    return;
  }
  // Canceled while it waited for locks, or a cancellable opcode stopped.
  if (result.kind == OpResult::Kind::kCanceled || op.status == OpStatus::kCanceling) {
    finishCanceled(e, index, lk);
    return;
  }
  Timestamp now = Timestamp::now();
  if (!op.exec_timestamp) op.exec_timestamp = now;
  op.status = OpStatus::kSuccess;
  op.result = std::move(result.value);
  op.end_timestamp = now;
  bool last = index + 1 == job.ops.size();
  if (!last && e->cancel_requested) {
    // Canceled while it ran: the rest of the job does not run.
    job.markUnfinishedOps(OpStatus::kCanceled, kCanceledByRequest, std::nullopt);
    last = true;
  }
  if (last) {
    finalize(e, lk);
    return;
  }
  e->cancel_requested = false;
  e->kill_requested = false;
  touch(*e);
  writer_->markDirty(job.id);  // carried by the next opcode's durable start
}

void JobQueue::finishCanceled(const EntryPtr& e, std::size_t index,
                              std::unique_lock<std::mutex>& lk) {
  Job& job = e->job;
  if (index < job.ops.size() && !isFinalized(job.ops[index].status)) {
    job.ops[index].end_timestamp = Timestamp::now();
  }
  job.markUnfinishedOps(OpStatus::kCanceled, kCanceledByRequest, std::nullopt);
  finalize(e, lk);
}

void JobQueue::finishError(const EntryPtr& e, std::size_t index, const json& result,
                           std::unique_lock<std::mutex>& lk) {
  Job& job = e->job;
  QueuedOpcode& op = job.ops[index];
  op.status = OpStatus::kError;
  op.result = result;
  op.end_timestamp = Timestamp::now();
  job.markUnfinishedOps(OpStatus::kError, encodeOpExecError("Preceding opcode failed"),
                        std::nullopt);
  finalize(e, lk);
}

void JobQueue::finalize(const EntryPtr& e, std::unique_lock<std::mutex>& lk) {
  Job& job = e->job;
  if (!job.end_timestamp) job.end_timestamp = Timestamp::now();
  touch(*e);
  std::uint64_t seq = writer_->markDirty(job.id);
  lk.unlock();
  if (!writer_->waitDurable(seq, job.id)) {
    daemonLog(sdk::LogLevel::kError, "Final state of job " + std::to_string(job.id) +
                                         " not yet on disk; retrying");
    writer_->flush();
  }
  lk.lock();
  settle(e);
}

void JobQueue::settle(const EntryPtr& e) {
  e->settled = true;
  e->parked = false;
  touch(*e);
  auto it = dep_waiters_.find(e->job.id);
  if (it == dep_waiters_.end()) return;
  std::vector<JobId> waiters = std::move(it->second);
  dep_waiters_.erase(it);
  for (JobId id : waiters) {
    auto w = jobs_.find(id);
    if (w == jobs_.end()) continue;
    EntryPtr waiter = w->second;
    if (!waiter->parked || waiter->job.finalized()) continue;
    waiter->parked = false;
    pushReady(waiter);
  }
}

}  // namespace gantry::core::jobs
