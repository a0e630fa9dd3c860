// The job file: Ganeti's JSON serialisation of a job (queue/job-<id>).
//   {"id": 7, "ops": [{"input": {...}, "status": "success", "result": ...,
//     "log": [[1, [sec, usec], "message", "text"]], "priority": 0,
//     "start_timestamp": [s, us], "exec_timestamp": [s, us],
//     "end_timestamp": [s, us]}],
//    "received_timestamp": [s, us], "start_timestamp": ..., "end_timestamp": ...}
// Keys come in luxid's order; timestamps not yet reached are null.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "core/jobs/job.h"

namespace gantry::core::jobs {

/// A job file that is not a valid job (torn, hand-edited, wrong types).
class JobFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Compact JSON text of the job file.
std::string serializeJob(const Job& job);
/// The same content as a JSON value (key order of the text aside).
nlohmann::json jobToJson(const Job& job);

/// Parses and checks a job file's text; throws JobFileError naming the
/// problem. Unknown extra keys (livelock, process_id) are ignored.
Job parseJob(std::string_view text);
Job jobFromJson(const nlohmann::json& value);

}  // namespace gantry::core::jobs
