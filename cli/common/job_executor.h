// Ganeti's JobExecutor, for jobs already submitted (one SubmitManyJobs,
// or the jobs an opcode started): "Submitted jobs <ids>", then each waited
// for in turn ("Waiting for job <id>[ for <name>] ..." and its log), with
// the failures on stderr.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "core/luxi/client.h"

namespace gantry::cli {

/// `submitted` is [[true, id] | [false, message], ...]; `names` labels the
/// jobs in the same order (may be empty). Returns how many jobs failed or
/// could not be submitted.
int waitForSubmittedJobs(core::luxi::Client& client, const core::luxi::Json& submitted,
                         const std::vector<std::string>& names, std::ostream& out);

/// The job ids of a [[true, id], ...] list (ids may come as strings).
std::vector<std::int64_t> submittedJobIds(const core::luxi::Json& submitted);

}  // namespace gantry::cli
