// Job dependencies (chained jobs): an opcode's "depends" is a list of
// [job_id, [statuses...]]; a negative id is relative to the job itself
// (-1 = the job submitted just before it in the same call).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/jobs/job_status.h"

namespace gantry::core::jobs {

struct Dependency {
  JobId job = 0;
  /// Subset of {"success", "error", "canceled"}; empty = any final status.
  std::vector<std::string> statuses;
};

/// The opcode's dependencies; malformed entries are skipped (validation
/// is the opcode parser's business).
std::vector<Dependency> opcodeDependencies(const nlohmann::json& opcode);

/// Rewrites relative ids in the opcode's "depends" to absolute ones
/// (own_id + n), as the submission gives consecutive ids.
void resolveRelativeDependencies(nlohmann::json& opcode, JobId own_id);

enum class DependencyOutcome { kContinue, kWait, kCancel, kError };

struct DependencyCheck {
  DependencyOutcome outcome;
  /// Ganeti's text, e.g. "Need to wait for job 5, wanted status '['success']'".
  std::string message;
};

/// Evaluates one dependency of job `own_id`; `dep_status` is the status of
/// the job depended on (nullopt: unknown, live or archived).
DependencyCheck checkDependency(JobId own_id, const Dependency& dep,
                                std::optional<OpStatus> dep_status);

/// Python's repr of a list of strings: ['success', 'error'].
std::string pythonListRepr(const std::vector<std::string>& items);

}  // namespace gantry::core::jobs
