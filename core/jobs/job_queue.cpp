#include "core/jobs/job_queue.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <system_error>

#include "core/jobs/dependencies.h"
#include "core/jobs/job_file.h"
#include "core/jobs/job_queue_entry.h"
#include "core/util/atomic_file.h"

namespace gantry::core::jobs {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kRecoveryReasonSource = "gnt:daemon:masterd:recovery";

std::optional<std::string> readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return buffer.str();
}

std::optional<JobId> parseSerial(const std::string& text) {
  std::size_t end = text.find_last_not_of(" \t\r\n");
  if (end == std::string::npos) return std::nullopt;
  std::string digits = text.substr(0, end + 1);
  if (digits.empty() || digits.size() > 18 ||
      !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  return std::stoll(digits);
}

// "OP_INSTANCE_STARTUP" -> "gnt:opcode:instance_startup".
std::string opcodeReasonSource(const std::string& op_id) {
  std::string name = op_id.rfind("OP_", 0) == 0 ? op_id.substr(3) : op_id;
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return "gnt:opcode:" + name;
}

void appendReason(json& input, json element) {
  if (!input.is_object()) return;
  auto it = input.find("reason");
  if (it == input.end() || it->is_null()) {
    input["reason"] = json::array({std::move(element)});
  } else if (it->is_array()) {
    it->push_back(std::move(element));
  }
}

int submittedPriority(const json& input) {
  if (input.is_object()) {
    auto it = input.find("priority");
    if (it != input.end() && it->is_number_integer()) {
      return std::clamp(it->get<int>(), kPriorityHighest, kPriorityLowest);
    }
  }
  return kPriorityDefault;
}

}  // namespace

json submitResultsJson(const std::vector<SubmitResult>& results) {
  json out = json::array();
  for (const auto& r : results) {
    out.push_back(r.ok ? json::array({true, r.id}) : json::array({false, r.error}));
  }
  return out;
}

// ---------------------------------------------------------------------------
// Opening and recovery

JobQueue::JobQueue(JobQueueOptions options)
    : options_(std::move(options)), dir_(options_.dir) {
  if (options_.workers < 1) options_.workers = 1;
  std::error_code ec;
  fs::create_directories(dir_.archiveRoot(), ec);
  if (ec) {
    throw std::runtime_error("Cannot create job queue directory " +
                             dir_.archiveRoot().string() + ": " + ec.message());
  }
  lock_ = std::make_unique<QueueLock>(dir_.lockFile());

  // Changes the journal made durable but a crash kept from the files.
  replayQueueJournal(dir_, options_.log);

  // Left-overs of interrupted writes are never jobs: drop them.
  std::vector<std::string> leftover_prefixes;
  for (const auto& p : {dir_.serialFile(), dir_.versionFile(), dir_.drainFile()}) {
    leftover_prefixes.push_back(util::atomicWriteLeftoverPrefix(p));
  }
  for (fs::directory_iterator it(dir_.root(), ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    bool leftover = name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0;
    for (const auto& prefix : leftover_prefixes) {
      if (!prefix.empty() && name.rfind(prefix, 0) == 0) leftover = true;
    }
    if (leftover) {
      std::error_code rm_ec;
      fs::remove(it->path(), rm_ec);
    }
  }

  if (!fs::exists(dir_.versionFile())) {
    util::atomicWriteFile(dir_.versionFile(), "1\n", 0644);
  }

  JobId serial = 0;
  if (auto text = readFile(dir_.serialFile())) {
    if (auto value = parseSerial(*text)) {
      serial = *value;
    } else {
      daemonLog(sdk::LogLevel::kWarning,
                "Job queue serial file " + dir_.serialFile().string() + " is unreadable");
    }
  }
  last_id_ = serial;

  for (JobId id : dir_.liveJobIds()) {
    last_id_ = std::max(last_id_, id);
    fs::path path = dir_.liveJobFile(id);
    std::optional<Job> job;
    std::string problem;
    if (auto text = readFile(path)) {
      try {
        job = parseJob(*text);
        if (job->id != id) problem = "contains job " + std::to_string(job->id);
      } catch (const JobFileError& e) {
        problem = e.what();
      }
    } else {
      problem = "cannot be read";
    }
    if (!problem.empty()) {
      // Keep the evidence under a name that is not a job file.
      fs::path aside = path;
      aside += ".corrupt";
      std::error_code mv_ec;
      fs::rename(path, aside, mv_ec);
      daemonLog(sdk::LogLevel::kError,
                "Ignoring job file " + path.string() + ": " + problem);
      continue;
    }
    jobs_.emplace(id, std::make_shared<Entry>(std::move(*job)));
  }

  JobWriterOptions wopts;
  wopts.sync = options_.sync;
  wopts.journal_segment_bytes = options_.journal_segment_bytes;
  wopts.lazy_delay = options_.lazy_write_delay;
  wopts.log = options_.log;
  wopts.durable = options_.durable;
  writer_ = std::make_unique<JobWriter>(
      dir_, [this](JobId id) { return snapshotForWriter(id); }, std::move(wopts));

  recover();
  if (last_id_ != serial) writer_->setSerial(last_id_);
  writer_->flush();
}

void JobQueue::recover() {
  std::lock_guard lk(mu_);
  Timestamp now = Timestamp::now();
  for (auto& [id, e] : jobs_) {
    Job& job = e->job;
    OpStatus status = job.status();
    if (isFinalized(status)) {
      e->settled = true;
      continue;
    }
    if (status == OpStatus::kQueued && !job.start_timestamp) {
      pushReady(e);
      continue;
    }
    // Its executor died with the previous master: it cannot be resumed.
    std::string message = "Job " + std::to_string(id) +
                          " failed: the master daemon stopped while it was running";
    for (auto& op : job.ops) {
      op.status = OpStatus::kError;
      op.result = message;
      op.end_timestamp = now;
      appendReason(op.input, json::array({kRecoveryReasonSource, message, now.nanoseconds()}));
    }
    job.end_timestamp = now;
    e->settled = true;
    writer_->markDirty(id);
    daemonLog(sdk::LogLevel::kWarning, message);
  }
}

JobQueue::~JobQueue() {
  shutdown();
  writer_.reset();
  lock_.reset();
}

void JobQueue::start(OpcodeRunner& runner) {
  std::lock_guard lk(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  runner_ = &runner;
  for (int i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { workerLoop(); });
}

void JobQueue::shutdown() {
  {
    std::lock_guard lk(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  work_cv_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
  if (writer_) writer_->flush();
}

void JobQueue::daemonLog(sdk::LogLevel level, const std::string& text) const {
  if (options_.log) options_.log(level, text);
}

std::optional<std::string> JobQueue::snapshotForWriter(JobId id) {
  std::lock_guard lk(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return serializeJob(it->second->job);
}

std::optional<Job> JobQueue::loadArchived(JobId id) const {
  auto text = readFile(dir_.archivedJobFile(id));
  if (!text) return std::nullopt;
  try {
    return parseJob(*text);
  } catch (const JobFileError&) {
    return std::nullopt;
  }
}

void JobQueue::flush() { writer_->flush(); }

JobId JobQueue::lastJobId() const {
  std::lock_guard lk(mu_);
  return last_id_;
}

std::size_t JobQueue::liveJobCount() const {
  std::lock_guard lk(mu_);
  return jobs_.size();
}

// ---------------------------------------------------------------------------
// Submission

void JobQueue::validateJob(const std::vector<json>& ops) const {
  if (ops.empty()) throw JobQueueError::generic("A job needs at least one opcode");
  if (options_.validate) {
    for (const auto& op : ops) options_.validate(op);
  }
}

Job JobQueue::buildJob(JobId id, const std::vector<json>& ops, const Timestamp& now) const {
  Job job;
  job.id = id;
  job.received_timestamp = now;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    QueuedOpcode op;
    op.input = ops[i];
    resolveRelativeDependencies(op.input, id);
    if (op.input.is_object()) {
      auto op_id = op.input.find("OP_ID");
      if (op_id != op.input.end() && op_id->is_string()) {
        appendReason(op.input,
                     json::array({opcodeReasonSource(op_id->get<std::string>()),
                                  "job=" + std::to_string(id) + ";index=" + std::to_string(i),
                                  now.nanoseconds()}));
      }
    }
    op.priority = submittedPriority(op.input);
    job.ops.push_back(std::move(op));
  }
  return job;
}

JobId JobQueue::submit(const std::vector<json>& ops) { return submitOne(ops, true); }

JobId JobQueue::submitToDrainedQueue(const std::vector<json>& ops) {
  return submitOne(ops, false);
}

std::vector<SubmitResult> JobQueue::submitMany(const std::vector<std::vector<json>>& jobs) {
  return submitJobs(jobs, true);
}

JobId JobQueue::submitOne(const std::vector<json>& ops, bool check_drain) {
  auto results = submitJobs({ops}, check_drain);
  if (!results.at(0).ok) throw JobQueueError::generic(results[0].error);
  return results[0].id;
}

std::vector<SubmitResult> JobQueue::submitJobs(const std::vector<std::vector<json>>& jobs,
                                               bool check_drain) {
  if (check_drain && drained()) throw JobQueueError::generic("Queue drained");
  for (const auto& ops : jobs) validateJob(ops);

  std::vector<EntryPtr> entries;
  std::uint64_t seq = 0;
  {
    std::lock_guard lk(mu_);
    if (stopping_) throw JobQueueError::generic("Job queue is shutting down");
    if (jobs_.size() + jobs.size() > options_.max_jobs) throw JobQueueError::queueFull();
    Timestamp now = Timestamp::now();
    JobId first = last_id_ + 1;
    last_id_ += static_cast<JobId>(jobs.size());
    seq = writer_->setSerial(last_id_);
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      JobId id = first + static_cast<JobId>(i);
      auto e = std::make_shared<Entry>(buildJob(id, jobs[i], now));
      jobs_.emplace(id, e);
      seq = writer_->markDirty(id);
      entries.push_back(std::move(e));
    }
  }

  std::vector<SubmitResult> results;
  std::vector<bool> ok;
  for (const auto& e : entries) ok.push_back(writer_->waitDurable(seq, e->job.id));

  std::lock_guard lk(mu_);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    if (ok[i]) {
      pushReady(e);
      results.push_back({true, e->job.id, {}});
    } else {
      // Never reached the disk: the job does not exist.
      jobs_.erase(e->job.id);
      e->archived = true;
      results.push_back({false, 0, "Failed to write job file for job " + std::to_string(e->job.id)});
    }
  }
  work_cv_.notify_all();
  return results;
}

// ---------------------------------------------------------------------------
// Control

QueueAnswer JobQueue::cancel(JobId id, bool kill) {
  std::unique_lock lk(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second->job.finalized()) {
    return {false, "Job " + std::to_string(id) + " not found in queue"};
  }
  EntryPtr e = it->second;
  Job& job = e->job;
  OpStatus status = job.status();
  if (status == OpStatus::kQueued && !e->in_worker) {
    removeReady(e);
    Timestamp now = Timestamp::now();
    job.markUnfinishedOps(OpStatus::kCanceled, nullptr, now);
    job.end_timestamp = now;
    finalize(e, lk);
    return {true, "Dequeued job " + std::to_string(id)};
  }
  if (status == OpStatus::kWaiting && !e->in_worker) {
    // Waiting for a dependency (or re-queued after one): nobody runs it.
    removeReady(e);
    finishCanceled(e, job.nextOpcodeIndex(), lk);
    return {true, "Job successfully cancelled"};
  }
  bool wait = false;
  if (status == OpStatus::kWaiting) {
    job.markUnfinishedOps(OpStatus::kCanceling, nullptr, std::nullopt);
    touch(*e);
    writer_->markDirty(id);
    wait = true;
  } else if (status == OpStatus::kRunning) {
    e->cancel_requested = true;
    e->kill_requested = kill;
    touch(*e);  // also wakes an interruptible wait inside the opcode
    wait = e->stopRequested();
  }
  if (!wait) return {false, "Job no longer waiting, can't cancel (informed it anyway)"};

  auto deadline = std::chrono::steady_clock::now() + options_.cancel_timeout;
  e->changed.wait_until(lk, deadline, [&] { return e->settled; });
  OpStatus now_status = job.status();
  if (now_status == OpStatus::kCanceled) return {true, "Job successfully cancelled"};
  if (isFinalized(now_status)) {
    return {false, std::string("Job exited before it could have been canceled, status ") +
                       statusName(now_status)};
  }
  return {false, std::string("Job could not be canceled, status ") + statusName(now_status)};
}

QueueAnswer JobQueue::changePriority(JobId id, int priority) {
  std::unique_lock lk(mu_);
  std::string name = std::to_string(id);
  auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second->job.finalized()) {
    return {false, "Job " + name + " not found in queue"};
  }
  EntryPtr e = it->second;
  if (e->job.status() == OpStatus::kCanceling) return {false, "Job " + name + " is cancelling"};
  bool changed = false;
  for (auto& op : e->job.ops) {
    if (op.status == OpStatus::kQueued || op.status == OpStatus::kWaiting) {
      op.priority = priority;
      changed = true;
    }
  }
  if (!changed) return {false, "Job " + name + " had no pending opcodes"};
  if (e->in_ready) {
    removeReady(e);
    pushReady(e);
  }
  touch(*e);
  std::uint64_t seq = writer_->markDirty(id);
  lk.unlock();
  writer_->waitDurable(seq, id);
  return {true, "Priorities of pending opcodes for job " + name + " have been changed to " +
                    std::to_string(priority)};
}

bool JobQueue::archive(JobId id) {
  std::unique_lock lk(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end() || !it->second->job.finalized()) return false;
  EntryPtr e = it->second;
  e->changed.wait(lk, [&] { return e->settled || e->archived; });
  if (e->archived) return false;
  jobs_.erase(id);
  e->archived = true;
  touch(*e);
  std::uint64_t seq = writer_->archive(id);
  lk.unlock();
  if (writer_->waitDurable(seq, id)) return true;
  lk.lock();
  jobs_.emplace(id, e);  // still live on disk
  e->archived = false;
  return false;
}

std::pair<int, int> JobQueue::autoArchive(std::int64_t age_seconds,
                                          std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::int64_t now = Timestamp::now().sec;
  std::vector<EntryPtr> moved;
  std::uint64_t seq = 0;
  int unchecked = 0;
  {
    std::lock_guard lk(mu_);
    std::vector<JobId> ids;
    for (const auto& [id, e] : jobs_) ids.push_back(id);
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (std::chrono::steady_clock::now() > deadline) {
        unchecked = static_cast<int>(ids.size() - i);
        break;
      }
      EntryPtr e = jobs_.at(ids[i]);
      if (!e->settled) continue;
      const Job& job = e->job;
      OptTimestamp ts = job.end_timestamp ? job.end_timestamp
                        : job.start_timestamp ? job.start_timestamp
                                              : job.received_timestamp;
      if (age_seconds >= 0 && (!ts || now - ts->sec <= age_seconds)) continue;
      jobs_.erase(ids[i]);
      e->archived = true;
      touch(*e);
      seq = writer_->archive(ids[i]);
      moved.push_back(std::move(e));
    }
  }
  int archived = 0;
  for (const auto& e : moved) {
    if (writer_->waitDurable(seq, e->job.id)) {
      ++archived;
    } else {
      std::lock_guard lk(mu_);
      jobs_.emplace(e->job.id, e);
      e->archived = false;
    }
  }
  return {archived, unchecked};
}

void JobQueue::setDrainFlag(bool drained) {
  if (drained) {
    util::atomicWriteFile(dir_.drainFile(), "", 0644);
  } else {
    std::error_code ec;
    if (fs::remove(dir_.drainFile(), ec) && options_.sync) util::fsyncDirectory(dir_.root());
  }
}

bool JobQueue::drained() const {
  std::error_code ec;
  return fs::exists(dir_.drainFile(), ec);
}

// ---------------------------------------------------------------------------
// Queries

std::optional<JobSnapshot> JobQueue::getJob(JobId id) const {
  {
    std::lock_guard lk(mu_);
    auto it = jobs_.find(id);
    if (it != jobs_.end()) return JobSnapshot{it->second->job, false};
  }
  if (auto job = loadArchived(id)) return JobSnapshot{std::move(*job), true};
  return std::nullopt;
}

std::vector<JobId> JobQueue::jobIds(bool include_archived) const {
  std::vector<JobId> ids;
  {
    std::lock_guard lk(mu_);
    for (const auto& [id, e] : jobs_) ids.push_back(id);
  }
  if (include_archived) {
    auto archived = dir_.archivedJobIds();
    ids.insert(ids.end(), archived.begin(), archived.end());
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  }
  return ids;
}

json JobQueue::fieldValue(const JobSnapshot& job, std::string_view field) const {
  return jobFieldValue(job.job, job.archived, field, options_.summary);
}

json JobQueue::queryJobs(const std::optional<std::vector<JobId>>& ids,
                         const std::vector<std::string>& fields) const {
  std::vector<std::string> unknown;
  for (const auto& f : fields) {
    if (!isJobQueryField(f)) unknown.push_back(f);
  }
  if (!unknown.empty()) {
    std::string list;
    for (std::size_t i = 0; i < unknown.size(); ++i) list += (i ? ", " : "") + unknown[i];
    throw JobQueueError(encodeError(
        "OpPrereqError", json::array({"Unknown output fields selected: " + list, "wrong_input"})));
  }
  std::vector<JobId> wanted;
  if (!ids || ids->empty()) {
    bool with_archived = std::find(fields.begin(), fields.end(), "archived") != fields.end();
    wanted = jobIds(with_archived);
  } else {
    for (JobId id : *ids) {
      if (std::find(wanted.begin(), wanted.end(), id) == wanted.end()) wanted.push_back(id);
    }
  }
  json rows = json::array();
  for (JobId id : wanted) {
    json row = json::array();
    auto job = getJob(id);
    for (const auto& f : fields) {
      if (job) {
        row.push_back(fieldValue(*job, f));
      } else {
        row.push_back(f == "id" ? json(id) : json(nullptr));
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

JobChange JobQueue::waitForChange(JobId id, const std::vector<std::string>& fields,
                                  const json& prev_info,
                                  std::optional<std::int64_t> prev_log_serial,
                                  std::chrono::milliseconds timeout) {
  bool all_known = std::all_of(fields.begin(), fields.end(),
                               [](const std::string& f) { return isJobQueryField(f); });
  auto compute = [&](const Entry& e) {
    JobChange change{json::array(), json::array()};
    for (const auto& f : fields) {
      change.info.push_back(all_known ? jobFieldValue(e.job, false, f, options_.summary)
                                      : json(nullptr));
    }
    if (!prev_log_serial || *prev_log_serial < e.log_serial) {
      for (const auto& entry : e.job.logsAfter(prev_log_serial)) {
        change.logs.push_back(entry.toJson());
      }
    }
    return change;
  };

  auto deadline = std::chrono::steady_clock::now() + std::min(timeout, options_.max_wait);
  std::unique_lock lk(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) throw JobQueueError::jobLost();
  EntryPtr e = it->second;
  for (;;) {
    if (e->archived) throw JobQueueError::jobLost();
    if (e->job.finalized()) {
      // The final state is reported once it is on disk.
      e->changed.wait_until(lk, deadline, [&] { return e->settled || e->archived; });
      if (e->archived) throw JobQueueError::jobLost();
      return compute(*e);
    }
    JobChange change = compute(*e);
    if (change.info != prev_info || !change.logs.empty()) return change;
    if (e->changed.wait_until(lk, deadline) == std::cv_status::timeout) return compute(*e);
  }
}

}  // namespace gantry::core::jobs
