#include "core/jobs/job_file.h"

#include <nlohmann/json.hpp>

namespace gantry::core::jobs {

namespace {

using nlohmann::json;

// Invalid UTF-8 in a message must not make the job unwritable.
std::string dumpValue(const json& v) {
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

void appendTimestamp(std::string& out, const OptTimestamp& ts) {
  if (!ts) {
    out += "null";
    return;
  }
  out += '[';
  out += std::to_string(ts->sec);
  out += ',';
  out += std::to_string(ts->usec);
  out += ']';
}

void appendOpcode(std::string& out, const QueuedOpcode& op) {
  out += R"({"input":)";
  out += dumpValue(op.input);
  out += R"(,"status":")";
  out += statusName(op.status);
  out += R"(","result":)";
  out += dumpValue(op.result);
  out += R"(,"log":[)";
  bool first = true;
  for (const auto& entry : op.log) {
    if (!first) out += ',';
    first = false;
    out += dumpValue(entry.toJson());
  }
  out += R"(],"priority":)";
  out += std::to_string(op.priority);
  out += R"(,"start_timestamp":)";
  appendTimestamp(out, op.start_timestamp);
  out += R"(,"exec_timestamp":)";
  appendTimestamp(out, op.exec_timestamp);
  out += R"(,"end_timestamp":)";
  appendTimestamp(out, op.end_timestamp);
  out += '}';
}

[[noreturn]] void fail(const std::string& what) { throw JobFileError(what); }

std::int64_t intField(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number_integer()) {
    fail(std::string("missing or non-integer '") + key + "'");
  }
  return it->get<std::int64_t>();
}

Timestamp parseTimestampValue(const json& v, const char* key) {
  if (!v.is_array() || v.size() != 2 || !v[0].is_number_integer() ||
      !v[1].is_number_integer()) {
    fail(std::string("bad timestamp '") + key + "'");
  }
  return Timestamp{v[0].get<std::int64_t>(), v[1].get<std::int64_t>()};
}

OptTimestamp optTimestamp(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  return parseTimestampValue(*it, key);
}

LogEntry parseLogEntry(const json& v) {
  if (!v.is_array() || v.size() != 4 || !v[0].is_number_integer() ||
      !v[2].is_string()) {
    fail("bad log entry");
  }
  LogEntry entry;
  entry.serial = v[0].get<std::int64_t>();
  entry.time = parseTimestampValue(v[1], "log");
  entry.type = v[2].get<std::string>();
  entry.message = v[3];
  return entry;
}

QueuedOpcode parseOpcode(const json& v) {
  if (!v.is_object()) fail("opcode is not an object");
  QueuedOpcode op;
  auto input = v.find("input");
  if (input == v.end()) fail("opcode without 'input'");
  op.input = *input;
  auto status = v.find("status");
  if (status == v.end() || !status->is_string()) fail("opcode without 'status'");
  auto parsed = parseStatus(status->get<std::string>());
  if (!parsed) fail("unknown opcode status '" + status->get<std::string>() + "'");
  op.status = *parsed;
  auto result = v.find("result");
  if (result == v.end()) fail("opcode without 'result'");
  op.result = *result;
  if (auto log = v.find("log"); log != v.end() && !log->is_null()) {
    if (!log->is_array()) fail("opcode 'log' is not a list");
    for (const auto& entry : *log) op.log.push_back(parseLogEntry(entry));
  }
  op.priority = static_cast<int>(intField(v, "priority"));
  op.start_timestamp = optTimestamp(v, "start_timestamp");
  op.exec_timestamp = optTimestamp(v, "exec_timestamp");
  op.end_timestamp = optTimestamp(v, "end_timestamp");
  return op;
}

}  // namespace

std::string serializeJob(const Job& job) {
  std::string out;
  out.reserve(256 + 256 * job.ops.size());
  out += R"({"id":)";
  out += std::to_string(job.id);
  out += R"(,"ops":[)";
  for (std::size_t i = 0; i < job.ops.size(); ++i) {
    if (i) out += ',';
    appendOpcode(out, job.ops[i]);
  }
  out += R"(],"received_timestamp":)";
  appendTimestamp(out, job.received_timestamp);
  out += R"(,"start_timestamp":)";
  appendTimestamp(out, job.start_timestamp);
  out += R"(,"end_timestamp":)";
  appendTimestamp(out, job.end_timestamp);
  out += '}';
  return out;
}

nlohmann::json jobToJson(const Job& job) { return json::parse(serializeJob(job)); }

Job jobFromJson(const nlohmann::json& v) {
  if (!v.is_object()) fail("job file is not a JSON object");
  Job job;
  job.id = intField(v, "id");
  if (job.id < 0) fail("negative job id");
  auto ops = v.find("ops");
  if (ops == v.end() || !ops->is_array()) fail("job without 'ops' list");
  for (const auto& op : *ops) job.ops.push_back(parseOpcode(op));
  job.received_timestamp = optTimestamp(v, "received_timestamp");
  job.start_timestamp = optTimestamp(v, "start_timestamp");
  job.end_timestamp = optTimestamp(v, "end_timestamp");
  return job;
}

Job parseJob(std::string_view text) {
  json value = json::parse(text.begin(), text.end(), nullptr, false);
  if (value.is_discarded()) fail("job file is not valid JSON");
  return jobFromJson(value);
}

}  // namespace gantry::core::jobs
