// The "job" query resource (Query/QueryFields over the job queue; what
// `gnt-job list` asks for).
#pragma once

#include "core/jobs/job_queue.h"
#include "core/query/engine.h"

namespace gantry::daemon::master {

const core::query::Resource& jobResource();

/// Runs a Query on "job" against the queue.
core::query::Json queryJobs(core::jobs::JobQueue& queue,
                            const std::vector<std::string>& fields,
                            const core::query::Filter& filter);

}  // namespace gantry::daemon::master
