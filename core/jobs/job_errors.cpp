#include "core/jobs/job_errors.h"

namespace gantry::core::jobs {

namespace {
std::string describe(const nlohmann::json& encoded) {
  // "JobLost: Can't load job file": readable in logs and what().
  std::string text = encoded.at(0).get<std::string>();
  const auto& args = encoded.at(1);
  if (!args.empty()) {
    text += ": ";
    text += args.at(0).is_string() ? args.at(0).get<std::string>()
                                   : args.at(0).dump();
  }
  return text;
}
}  // namespace

nlohmann::json encodeError(std::string_view cls, nlohmann::json args) {
  if (!args.is_array()) args = nlohmann::json::array({std::move(args)});
  return nlohmann::json::array({std::string(cls), std::move(args)});
}

nlohmann::json encodeOpExecError(std::string_view message) {
  return encodeError("OpExecError", nlohmann::json::array({std::string(message)}));
}

JobQueueError::JobQueueError(nlohmann::json encoded)
    : std::runtime_error(describe(encoded)), encoded_(std::move(encoded)) {}

JobQueueError JobQueueError::generic(std::string_view message) {
  return JobQueueError(
      encodeError("GenericError", nlohmann::json::array({std::string(message)})));
}

JobQueueError JobQueueError::queueFull() {
  return JobQueueError(encodeError("JobQueueFull", nlohmann::json::array()));
}

JobQueueError JobQueueError::jobLost() {
  return JobQueueError(
      encodeError("JobLost", nlohmann::json::array({"Can't load job file"})));
}

}  // namespace gantry::core::jobs
