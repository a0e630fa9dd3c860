#include "core/jobs/job.h"

#include <algorithm>
#include <chrono>

namespace gantry::core::jobs {

Timestamp Timestamp::now() {
  auto since = std::chrono::system_clock::now().time_since_epoch();
  auto usec = std::chrono::duration_cast<std::chrono::microseconds>(since).count();
  return Timestamp{usec / 1000000, usec % 1000000};
}

nlohmann::json timestampJson(const OptTimestamp& ts) {
  if (!ts) return nullptr;
  return nlohmann::json::array({ts->sec, ts->usec});
}

nlohmann::json LogEntry::toJson() const {
  return nlohmann::json::array(
      {serial, nlohmann::json::array({time.sec, time.usec}), type, message});
}

OpStatus jobStatusFromOpcodes(const std::vector<OpStatus>& statuses) {
  OpStatus result = OpStatus::kQueued;
  bool all_success = true;
  for (OpStatus s : statuses) {
    if (s == OpStatus::kSuccess) continue;
    all_success = false;
    if (s == OpStatus::kError || s == OpStatus::kCanceling ||
        s == OpStatus::kCanceled) {
      return s;
    }
    if (s == OpStatus::kWaiting || s == OpStatus::kRunning) result = s;
  }
  return all_success ? OpStatus::kSuccess : result;
}

OpStatus Job::status() const {
  OpStatus result = OpStatus::kQueued;
  bool all_success = true;
  for (const auto& op : ops) {
    OpStatus s = op.status;
    if (s == OpStatus::kSuccess) continue;
    all_success = false;
    if (s == OpStatus::kError || s == OpStatus::kCanceling ||
        s == OpStatus::kCanceled) {
      return s;
    }
    if (s == OpStatus::kWaiting || s == OpStatus::kRunning) result = s;
  }
  return all_success ? OpStatus::kSuccess : result;
}

int Job::priority() const {
  std::optional<int> best;
  for (const auto& op : ops) {
    if (isFinalized(op.status)) continue;
    best = best ? std::min(*best, op.priority) : op.priority;
  }
  return best.value_or(kPriorityDefault);
}

std::int64_t Job::lastLogSerial() const {
  std::int64_t last = 0;
  for (const auto& op : ops) {
    for (const auto& entry : op.log) last = std::max(last, entry.serial);
  }
  return last;
}

std::vector<LogEntry> Job::logsAfter(std::optional<std::int64_t> after) const {
  std::vector<LogEntry> out;
  for (const auto& op : ops) {
    for (const auto& entry : op.log) {
      if (!after || entry.serial > *after) out.push_back(entry);
    }
  }
  return out;
}

std::size_t Job::nextOpcodeIndex() const {
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (!isFinalized(ops[i].status)) return i;
  }
  return ops.size();
}

void Job::markUnfinishedOps(OpStatus status, const nlohmann::json& result,
                            const OptTimestamp& end) {
  for (auto& op : ops) {
    if (isFinalized(op.status)) continue;
    op.status = status;
    op.result = result;
    if (end) op.end_timestamp = end;
  }
}

}  // namespace gantry::core::jobs
