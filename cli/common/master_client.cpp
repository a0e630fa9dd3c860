#include "cli/common/master_client.h"

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include "core/cluster/identity.h"
#include "core/luxi/cli_errors.h"
#include "core/luxi/errors.h"
#include "core/rpc/small_file.h"
#include "core/util/log.h"

namespace gantry::cli {
namespace {
using core::luxi::Json;

std::int64_t nowNanoseconds() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool isFinal(const std::string& status) {
  return status == "success" || status == "error" || status == "canceling" ||
         status == "canceled";
}

}  // namespace

std::string rootDir() {
  const char* env = std::getenv("GANTRY_ROOT");
  return env != nullptr && *env != '\0' ? env : "/";
}

core::luxi::Client connectMaster() {
  // As Ganeti's clients do: a node whose ssconf names another master sends
  // the user there (a former master after a failover).
  if (auto self = core::cluster::loadIdentity(rootDir())) {
    const auto file = std::filesystem::path(rootDir()) / "var/lib/gantry/ssconf_master_node";
    if (auto text = core::rpc::readSmallFile(file, 4096)) {
      std::string master = *text;
      while (!master.empty() && (master.back() == '\n' || master.back() == ' ')) {
        master.pop_back();
      }
      if (!master.empty() && master != self->name) {
        throw core::luxi::opPrereqError("This is not the master node, please connect to node '" +
                                            master + "' and rerun the command",
                                        "wrong_input");
      }
    }
  }
  core::luxi::ClientOptions options;
  std::string root = rootDir();
  if (root.back() != '/') root += '/';
  options.socketPath = root + "var/run/gantry/socket/gantry-query";
  core::luxi::Client client(options);
  client.connect();
  return client;
}

std::vector<OptionSpec> submitOptions() {
  return {
      {"", "--submit", "submit", false, "",
       "Submit the job and return the job ID, but don't wait for the job to finish", {}},
      {"", "--print-jobid", "print_jobid", false, "",
       "Additionally print the job as first line on stdout (for scripting).", {}},
      {"", "--priority", "priority", true, "PRIORITY",
       "Priority for opcode processing", {"low", "normal", "high"}},
      {"", "--dry-run", "dry_run", false, "",
       "Do not execute the operation, just run the check steps and verify if it could be executed",
       {}},
  };
}

void decorateOpcodes(Json& opcodes, const Invocation& inv) {
  const std::int64_t ns = nowNanoseconds();
  Json reason = Json::array();
  if (auto text = inv.options.value("reason")) {
    reason.push_back(Json::array({"gnt:user", *text, ns}));
  }
  reason.push_back(Json::array({"gnt:client:" + inv.binary, inv.command, ns}));
  std::optional<int> priority;
  if (auto p = inv.options.value("priority")) {
    priority = *p == "low" ? 10 : *p == "high" ? -10 : 0;
  }
  for (auto& op : opcodes) {
    if (!op.contains("reason")) op["reason"] = reason;
    if (priority) op["priority"] = *priority;
    if (inv.options.flag("dry_run")) op["dry_run"] = true;
  }
}

Json pollJob(core::luxi::Client& client, std::int64_t jobId, std::ostream& out) {
  Json prevInfo = nullptr;
  Json prevSerial = nullptr;
  for (;;) {
    Json answer = client.waitForJobChange(jobId, {"status"}, prevInfo, prevSerial);
    if (!answer.is_array() || answer.size() != 2) {
      throw core::luxi::jobLost("Job with id " + std::to_string(jobId) + " lost");
    }
    const Json& logs = answer[1];
    for (const auto& entry : logs) {
      // [serial, [sec, usec], type, message]
      const std::int64_t serial = entry.at(0).get<std::int64_t>();
      const std::time_t when = entry.at(1).at(0).get<std::time_t>();
      const Json& message = entry.at(3);
      out << core::util::formatJobLogLine(
                 when, message.is_string() ? message.get<std::string>() : message.dump())
          << "\n";
      if (prevSerial.is_null() || serial > prevSerial.get<std::int64_t>()) prevSerial = serial;
    }
    out.flush();
    const std::string status =
        answer[0].empty() || !answer[0][0].is_string() ? "" : answer[0][0].get<std::string>();
    if (logs.empty() && isFinal(status)) break;
    prevInfo = answer[0];
  }
  Json rows = client.queryJobs(Json::array({jobId}), {"status", "opstatus", "opresult"});
  if (!rows.is_array() || rows.empty() || rows[0].at(0).is_null()) {
    throw core::luxi::jobLost("Job with id " + std::to_string(jobId) + " lost");
  }
  const std::string status = rows[0][0].get<std::string>();
  const Json& opstatus = rows[0][1];
  const Json& opresult = rows[0][2];
  if (status == "success") return opresult;
  if (status == "canceling" || status == "canceled") {
    throw core::luxi::EncodedError("JobCanceled", Json::array({"Job was canceled"}));
  }
  bool someSucceeded = false;
  for (std::size_t i = 0; i < opstatus.size(); ++i) {
    if (opstatus[i] == "success") {
      someSucceeded = true;
      continue;
    }
    if (opstatus[i] == "error") {
      if (auto encoded = core::luxi::EncodedError::decode(opresult[i])) throw *encoded;
      const std::string msg =
          opresult[i].is_string() ? opresult[i].get<std::string>() : opresult[i].dump();
      throw core::luxi::opExecError(
          someSucceeded ? "partial failure (opcode " + std::to_string(i) + "): " + msg : msg);
    }
  }
  throw core::luxi::opExecError("Job " + std::to_string(jobId) + " ended with status " +
                                status);
}

Json submitAndWait(core::luxi::Client& client, Json opcodes, const Invocation& inv,
                   std::ostream& out) {
  decorateOpcodes(opcodes, inv);
  const std::int64_t id = client.submitJob(opcodes);
  if (inv.options.flag("print_jobid")) out << id << "\n" << std::flush;
  if (inv.options.flag("submit")) {
    std::cerr << "JobID: " << id << "\n";
    return nullptr;
  }
  return pollJob(client, id, out);
}

int runCommand(const std::function<int()>& body) {
  try {
    return body();
  } catch (const core::luxi::EncodedError& e) {
    auto text = core::luxi::formatCliError(e);
    std::cerr << text.text << "\n";
    return text.exitCode;
  } catch (const UsageError& e) {
    std::cerr << "error: " << e.message << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "Unhandled error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace gantry::cli
