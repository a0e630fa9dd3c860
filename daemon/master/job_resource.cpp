#include "daemon/master/job_resource.h"

#include <algorithm>

namespace gantry::daemon::master {
namespace {
using core::query::CompareMode;
using core::query::FieldKind;
using core::query::FieldSpec;
using core::query::field;

}  // namespace

const core::query::Resource& jobResource() {
  static const core::query::Resource resource(
      "job", "id",
      {
          field("id", "ID", FieldKind::kNumber, "Job ID"),
          field("status", "Status", FieldKind::kText, "Job status"),
          field("priority", "Priority", FieldKind::kNumber,
                "Current job priority"),
          field("archived", "Archived", FieldKind::kBool,
                "Whether job is archived"),
          field("ops", "OpCodes", FieldKind::kOther, "List of all opcodes"),
          field("opresult", "OpCode_result", FieldKind::kOther,
                "List of opcodes results"),
          field("opstatus", "OpCode_status", FieldKind::kOther,
                "List of opcodes status"),
          field("oplog", "OpCode_log", FieldKind::kOther,
                "List of opcode output logs"),
          field("opstart", "OpCode_start", FieldKind::kOther,
                "List of opcode start timestamps (before acquiring locks)"),
          field("opexec", "OpCode_exec", FieldKind::kOther,
                "List of opcode execution start timestamps (after acquiring locks)"),
          field("opend", "OpCode_end", FieldKind::kOther,
                "List of opcode execution end timestamps"),
          field("oppriority", "OpCode_prio", FieldKind::kOther,
                "List of opcode priorities"),
          field("summary", "Summary", FieldKind::kOther,
                "List of per-opcode summaries"),
          field("received_ts", "Received", FieldKind::kOther,
                "Timestamp of when job was received", CompareMode::kTimestamp),
          field("start_ts", "Start", FieldKind::kOther,
                "Timestamp of job start", CompareMode::kTimestamp),
          field("end_ts", "End", FieldKind::kOther, "Timestamp of job end",
                CompareMode::kTimestamp),
      });
  return resource;
}

core::query::Json queryJobs(core::jobs::JobQueue& queue,
                            const std::vector<std::string>& fields,
                            const core::query::Filter& filter) {
  core::query::PreparedQuery prepared(jobResource(), fields, filter);
  const auto needed = prepared.neededFields();
  const bool wantArchived =
      std::find(needed.begin(), needed.end(), "archived") != needed.end();
  // Snapshots are taken once per query so every cell of a row agrees.
  std::vector<core::jobs::JobSnapshot> snapshots;
  core::query::ItemSource source;
  source.scan = [&] {
    std::vector<core::query::ItemHandle> handles;
    for (auto id : queue.jobIds(wantArchived)) {
      if (auto snap = queue.getJob(id)) {
        snapshots.push_back(std::move(*snap));
        handles.push_back(snapshots.size() - 1);
      }
    }
    return handles;
  };
  source.lookup = [&](const std::vector<core::query::FilterValue>& names) {
    std::vector<core::query::ItemHandle> handles;
    for (const auto& name : names) {
      std::int64_t id = 0;
      try {
        id = name.isString() ? std::stoll(name.string()) : name.number();
      } catch (const std::exception&) {
        continue;
      }
      if (auto snap = queue.getJob(id)) {
        snapshots.push_back(std::move(*snap));
        handles.push_back(snapshots.size() - 1);
      }
    }
    return handles;
  };
  source.cell = [&](core::query::ItemHandle h, const FieldSpec& spec) {
    return core::query::Cell::normal(
        core::query::Json(queue.fieldValue(snapshots[h], spec.def.name)));
  };
  return core::query::runQuery(prepared, source);
}

}  // namespace gantry::daemon::master
