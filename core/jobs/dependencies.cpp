#include "core/jobs/dependencies.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace gantry::core::jobs {

std::vector<Dependency> opcodeDependencies(const nlohmann::json& opcode) {
  std::vector<Dependency> deps;
  if (!opcode.is_object()) return deps;
  auto it = opcode.find("depends");
  if (it == opcode.end() || !it->is_array()) return deps;
  for (const auto& entry : *it) {
    if (!entry.is_array() || entry.size() != 2 || !entry[0].is_number_integer()) continue;
    Dependency dep;
    dep.job = entry[0].get<JobId>();
    if (entry[1].is_array()) {
      for (const auto& s : entry[1]) {
        if (s.is_string()) dep.statuses.push_back(s.get<std::string>());
      }
    }
    deps.push_back(std::move(dep));
  }
  return deps;
}

void resolveRelativeDependencies(nlohmann::json& opcode, JobId own_id) {
  if (!opcode.is_object()) return;
  auto it = opcode.find("depends");
  if (it == opcode.end() || !it->is_array()) return;
  for (auto& entry : *it) {
    if (entry.is_array() && !entry.empty() && entry[0].is_number_integer() &&
        entry[0].get<JobId>() < 0) {
      entry[0] = own_id + entry[0].get<JobId>();
    }
  }
}

std::string pythonListRepr(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += "'" + items[i] + "'";
  }
  return out + "]";
}

DependencyCheck checkDependency(JobId own_id, const Dependency& dep,
                                std::optional<OpStatus> dep_status) {
  std::string id = std::to_string(dep.job);
  if (dep.job == own_id) {
    return {DependencyOutcome::kError, "Job can't depend on itself"};
  }
  if (!dep_status) {
    return {DependencyOutcome::kError, "Dependency error: Job " + id + " not found"};
  }
  if (!isFinalized(*dep_status)) {
    return {DependencyOutcome::kWait, "Need to wait for job " + id +
                                          ", wanted status '" +
                                          pythonListRepr(dep.statuses) + "'"};
  }
  std::string status = statusName(*dep_status);
  auto wanted = [&](const std::string& s) {
    return std::find(dep.statuses.begin(), dep.statuses.end(), s) != dep.statuses.end();
  };
  if (*dep_status == OpStatus::kCanceled && !wanted("canceled")) {
    return {DependencyOutcome::kCancel, "Dependency job " + id + " was cancelled"};
  }
  if (dep.statuses.empty() || wanted(status)) {
    return {DependencyOutcome::kContinue,
            "Dependency job " + id + " finished with status '" + status + "'"};
  }
  std::string joined;
  for (std::size_t i = 0; i < dep.statuses.size(); ++i) {
    if (i) joined += ", ";
    joined += dep.statuses[i];
  }
  return {DependencyOutcome::kError, "Dependency job " + id + " finished with status '" +
                                         status + "', not one of '" + joined +
                                         "' as required"};
}

}  // namespace gantry::core::jobs
