// Errors of the job queue, carried as Ganeti's encoded exceptions
// (["ClassName", [args...]]) so that LUXI can send them as they are.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace gantry::core::jobs {

/// ["<cls>", [args...]], e.g. encodeError("OpExecError", {"Preceding opcode failed"}).
nlohmann::json encodeError(std::string_view cls, nlohmann::json args);
/// ["OpExecError", [message]].
nlohmann::json encodeOpExecError(std::string_view message);

/// A queue request failed; `encoded()` is what LUXI answers, e.g.
/// ["GenericError", ["Queue drained"]], ["JobQueueFull", []],
/// ["JobLost", ["Can't load job file"]].
class JobQueueError : public std::runtime_error {
 public:
  explicit JobQueueError(nlohmann::json encoded);
  const nlohmann::json& encoded() const noexcept { return encoded_; }

  static JobQueueError generic(std::string_view message);
  static JobQueueError queueFull();
  static JobQueueError jobLost();

 private:
  nlohmann::json encoded_;
};

/// Opening a queue directory whose lock another owner holds.
class QueueLockedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace gantry::core::jobs
