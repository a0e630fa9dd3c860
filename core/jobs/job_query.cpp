#include "core/jobs/job_query.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace gantry::core::jobs {

using nlohmann::json;

std::string defaultOpcodeSummary(const json& opcode) {
  if (opcode.is_object()) {
    auto it = opcode.find("OP_ID");
    if (it != opcode.end() && it->is_string()) {
      const auto& id = it->get_ref<const std::string&>();
      return id.size() >= 3 ? id.substr(3) : std::string();
    }
  }
  return "INVALID_OP";
}

const std::vector<std::string>& jobQueryFields() {
  static const std::vector<std::string> kFields = {
      "id",     "status",     "priority", "archived",    "ops",      "opresult",
      "opstatus", "oplog",    "opstart",  "opexec",      "opend",    "oppriority",
      "summary", "received_ts", "start_ts", "end_ts"};
  return kFields;
}

bool isJobQueryField(std::string_view name) {
  const auto& fields = jobQueryFields();
  return std::find(fields.begin(), fields.end(), name) != fields.end();
}

json jobFieldValue(const Job& job, bool archived, std::string_view field,
                   const SummaryFn& summary) {
  auto perOp = [&](auto getter) {
    json out = json::array();
    for (const auto& op : job.ops) out.push_back(getter(op));
    return out;
  };
  if (field == "id") return job.id;
  if (field == "status") return statusName(job.status());
  if (field == "priority") return job.priority();
  if (field == "archived") return archived;
  if (field == "ops") return perOp([](const QueuedOpcode& op) { return op.input; });
  if (field == "opresult") return perOp([](const QueuedOpcode& op) { return op.result; });
  if (field == "opstatus") {
    return perOp([](const QueuedOpcode& op) { return json(statusName(op.status)); });
  }
  if (field == "oplog") {
    return perOp([](const QueuedOpcode& op) {
      json log = json::array();
      for (const auto& entry : op.log) log.push_back(entry.toJson());
      return log;
    });
  }
  if (field == "opstart") {
    return perOp([](const QueuedOpcode& op) { return timestampJson(op.start_timestamp); });
  }
  if (field == "opexec") {
    return perOp([](const QueuedOpcode& op) { return timestampJson(op.exec_timestamp); });
  }
  if (field == "opend") {
    return perOp([](const QueuedOpcode& op) { return timestampJson(op.end_timestamp); });
  }
  if (field == "oppriority") return perOp([](const QueuedOpcode& op) { return json(op.priority); });
  if (field == "summary") {
    return perOp([&](const QueuedOpcode& op) {
      return json(summary ? summary(op.input) : defaultOpcodeSummary(op.input));
    });
  }
  if (field == "received_ts") return timestampJson(job.received_timestamp);
  if (field == "start_ts") return timestampJson(job.start_timestamp);
  if (field == "end_ts") return timestampJson(job.end_timestamp);
  return nullptr;
}

}  // namespace gantry::core::jobs
