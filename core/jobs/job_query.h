// Job query fields (QueryJobs, WaitForJobChange, the "job" query resource):
// id, status, priority, archived, ops, opresult, opstatus, oplog, opstart,
// opexec, opend, oppriority, summary, received_ts, start_ts, end_ts.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/jobs/job.h"

namespace gantry::core::jobs {

/// An opcode's summary, e.g. "INSTANCE_STARTUP(instance1)".
using SummaryFn = std::function<std::string(const nlohmann::json& opcode)>;

/// OP_ID without "OP_" (the opcode's own summary field is the opcode
/// layer's business); "INVALID_OP" without an OP_ID.
std::string defaultOpcodeSummary(const nlohmann::json& opcode);

/// The field names above, in that order.
const std::vector<std::string>& jobQueryFields();
bool isJobQueryField(std::string_view name);

/// One field's plain value; an unknown name gives null.
nlohmann::json jobFieldValue(const Job& job, bool archived, std::string_view field,
                             const SummaryFn& summary);

}  // namespace gantry::core::jobs
