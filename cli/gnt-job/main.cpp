// gnt-job: list, inspect, watch, cancel and archive jobs.
#include <ctime>
#include <iostream>
#include <sstream>

#include "cli/common/confirm.h"
#include "cli/common/list_command.h"
#include "cli/common/query_table.h"
#include "cli/common/tool.h"
#include "core/luxi/errors.h"
#include "core/util/log.h"

namespace gantry::cli {
namespace {
using core::luxi::Json;

std::vector<OptionSpec> jobListOptions() {
  return {
      {"-o", "--output", "output", true, "FIELDS", "Select output fields", {}},
      {"", "--no-headers", "no_headers", false, "", "Don't display column headers", {}},
      {"", "--separator", "separator", true, "SEPARATOR", "Separator between output fields", {}},
      {"-v", "--verbose", "verbose", false, "", "Increase the verbosity of the operation", {}},
      {"-F", "--filter", "filter", false, "", "Filter by the positional arguments", {}},
      {"", "--pending", "pending", false, "", "Select queued, waiting and canceling jobs", {}},
      {"", "--running", "running", false, "", "Select running jobs", {}},
      {"", "--error", "error", false, "", "Select failed jobs", {}},
      {"", "--finished", "finished", false, "", "Select jobs that have finished", {}},
      {"", "--archived", "archived", false, "", "Include archived jobs", {}},
  };
}

Json statusFilter(const std::vector<std::string>& statuses) {
  Json f = Json::array({"|"});
  for (const auto& s : statuses) f.push_back(Json::array({"=", "status", s}));
  return f;
}

int list(const Invocation& inv) {
  const auto& o = inv.options;
  std::vector<std::string> defaults = {"id", "status", "summary"};
  if (o.flag("archived")) defaults.push_back("archived");
  auto fields = o.value("output") ? splitFieldList(*o.value("output"), defaults) : defaults;

  std::vector<std::string> statuses;
  if (o.flag("pending")) statuses = {"queued", "waiting", "canceling"};
  if (o.flag("running")) statuses = {"running"};
  if (o.flag("error")) statuses = {"error"};
  if (o.flag("finished")) statuses = {"canceled", "success", "error"};

  Json filter = nullptr;
  Json parts = Json::array({"&"});
  if (!o.args.empty()) {
    Json ids = Json::array({"|"});
    for (const auto& a : o.args) {
      try {
        ids.push_back(Json::array({"=", "id", std::stoll(a)}));
      } catch (const std::exception&) {
        throw core::luxi::opPrereqError("Invalid job ID '" + a + "'", "wrong_input");
      }
    }
    parts.push_back(ids);
  }
  if (!statuses.empty()) parts.push_back(statusFilter(statuses));
  if (parts.size() == 2) filter = parts[1];
  if (parts.size() > 2) filter = parts;

  auto client = connectMaster();
  Json result = client.query("job", fields, filter);
  ListOptions lo;
  lo.headers = !o.flag("no_headers");
  if (auto sep = o.value("separator")) lo.separator = *sep;
  std::vector<std::string> unknown;
  for (const auto& line : formatQueryResult(result, lo, unknown)) std::cout << line << "\n";
  if (!unknown.empty()) {
    std::string names;
    for (const auto& u : unknown) names += (names.empty() ? "" : ", ") + u;
    std::cerr << "Warning: Queried for unknown fields " << names << "\n";
    return 14;
  }
  return 0;
}

std::string formatTimestamp(const Json& ts) {
  if (!ts.is_array() || ts.size() != 2) return "N/A";
  const std::time_t sec = ts[0].get<std::time_t>();
  std::tm tm{};
  localtime_r(&sec, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  char usec[16];
  std::snprintf(usec, sizeof usec, ".%06lld", static_cast<long long>(ts[1].get<std::int64_t>()));
  return std::string(buf) + usec;
}

int info(const Invocation& inv) {
  auto client = connectMaster();
  Json ids = Json::array();
  for (const auto& a : inv.options.args) ids.push_back(a);
  const std::vector<std::string> fields = {"id", "ops", "status", "received_ts", "start_ts",
                                           "end_ts", "opstatus", "oplog", "opresult",
                                           "opstart", "opexec", "opend"};
  for (const auto& row : client.queryJobs(ids, fields)) {
    if (row[2].is_null()) {
      std::cout << "Job ID " << row[0].dump() << " not found\n";
      continue;
    }
    std::cout << "- Job ID: " << row[0].dump() << "\n";
    std::cout << "  Status: " << row[2].get<std::string>() << "\n";
    std::cout << "  Received:         " << formatTimestamp(row[3]) << "\n";
    std::cout << "  Processing start: " << formatTimestamp(row[4]) << "\n";
    std::cout << "  Processing end:   " << formatTimestamp(row[5]) << "\n";
    if (row[4].is_array() && row[5].is_array()) {
      const double total = (row[5][0].get<double>() - row[4][0].get<double>()) +
                           (row[5][1].get<double>() - row[4][1].get<double>()) / 1e6;
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.6f", total);
      std::cout << "  Total processing time: " << buf << " seconds\n";
    }
    std::cout << "  Opcodes:\n";
    for (std::size_t i = 0; i < row[1].size(); ++i) {
      const Json& op = row[1][i];
      std::cout << "    - Opcode: " << op.value("OP_ID", "?") << "\n";
      std::cout << "      Status: " << row[6][i].get<std::string>() << "\n";
      std::cout << "      Processing start: " << formatTimestamp(row[9][i]) << "\n";
      std::cout << "      Execution start:  " << formatTimestamp(row[10][i]) << "\n";
      std::cout << "      Processing end:   " << formatTimestamp(row[11][i]) << "\n";
      std::cout << "      Input fields:\n";
      for (const auto& [k, v] : op.items()) {
        if (k == "OP_ID") continue;
        std::cout << "        " << k << ": " << (v.is_string() ? v.get<std::string>() : v.dump())
                  << "\n";
      }
      std::cout << "      Result: " << row[8][i].dump() << "\n";
      std::cout << "      Execution log:\n";
      for (const auto& entry : row[7][i]) {
        std::cout << "        - Time: " << formatTimestamp(entry[1]) << "\n";
        std::cout << "          Content: "
                  << (entry[3].is_string() ? entry[3].get<std::string>() : entry[3].dump())
                  << "\n";
      }
    }
  }
  return 0;
}

std::int64_t jobIdArg(const std::string& text) {
  try {
    return std::stoll(text);
  } catch (const std::exception&) {
    throw core::luxi::opPrereqError("Invalid job ID '" + text + "'", "wrong_input");
  }
}

int watch(const Invocation& inv) {
  const std::int64_t id = jobIdArg(inv.options.args[0]);
  auto client = connectMaster();
  const std::string header = "Output from job " + std::to_string(id) + " follows";
  std::cout << header << "\n" << std::string(header.size(), '-') << "\n";
  try {
    pollJob(client, id, std::cout);
  } catch (const core::luxi::EncodedError& e) {
    std::cerr << "Job " << id << " failed: " << e.firstArg() << "\n";
    return 1;
  }
  return 0;
}

int wait(const Invocation& inv) {
  const std::int64_t id = jobIdArg(inv.options.args[0]);
  auto client = connectMaster();
  std::ostringstream discard;
  pollJob(client, id, discard);
  return 0;
}

// Job ids from the arguments, or from a status filter after confirmation.
std::vector<std::int64_t> selectJobs(const Invocation& inv, core::luxi::Client& client,
                                     const std::string& question, bool& declined) {
  const auto& o = inv.options;
  std::vector<std::string> statuses;
  if (o.flag("pending")) statuses = {"queued", "waiting", "canceling"};
  if (o.flag("queued")) statuses = {"queued"};
  if (o.flag("waiting")) statuses = {"waiting"};
  if (statuses.empty() == o.args.empty()) {
    throw core::luxi::opPrereqError(
        "Either a status filter or job ID(s) must be specified and never both", "wrong_input");
  }
  std::vector<std::int64_t> ids;
  if (!o.args.empty()) {
    for (const auto& a : o.args) ids.push_back(jobIdArg(a));
    return ids;
  }
  Json result = client.query("job", {"id", "status", "summary"}, statusFilter(statuses));
  for (const auto& row : result.at("data")) ids.push_back(row[0][1].get<std::int64_t>());
  if (ids.empty()) {
    throw core::luxi::opPrereqError("No jobs with the requested status have been found",
                                    "wrong_input");
  }
  if (!o.flag("force")) {
    std::vector<std::string> unknown;
    for (const auto& line : formatQueryResult(result, {}, unknown)) std::cout << line << "\n";
    if (!askYesNo(question)) declined = true;
  }
  return ids;
}

std::vector<OptionSpec> selectOptions() {
  return {
      {"", "--pending", "pending", false, "", "Select queued, waiting and canceling jobs", {}},
      {"", "--queued", "queued", false, "", "Select queued jobs only", {}},
      {"", "--waiting", "waiting", false, "", "Select waiting jobs only", {}},
      {"-f", "--force", "force", false, "", "Do not ask for confirmation", {}},
  };
}

int cancel(const Invocation& inv) {
  const bool kill = inv.options.flag("kill");
  if (kill && !inv.options.flag("yes_do_it")) {
    throw gantry::core::luxi::opPrereqError(
        "The --kill option must be confirmed with --yes-do-it", "wrong_input");
  }
  auto client = connectMaster();
  bool declined = false;
  auto ids = selectJobs(inv, client,
                        kill ? "KILL job(s) listed above?" : "Cancel job(s) listed above?",
                        declined);
  if (declined) return 13;
  int status = 0;
  for (auto id : ids) {
    auto [ok, message] = client.cancelJob(id, kill);
    std::cout << message << "\n";
    if (!ok) status = 1;
  }
  return status;
}

int changePriority(const Invocation& inv) {
  auto prio = inv.options.value("priority");
  if (!prio) {
    std::cerr << "--priority option must be given.\n";
    return 1;
  }
  const int value = *prio == "low" ? 10 : *prio == "high" ? -10 : 0;
  auto client = connectMaster();
  bool declined = false;
  auto ids = selectJobs(inv, client, "Change priority of job(s) listed above?", declined);
  if (declined) return 13;
  int status = 0;
  for (auto id : ids) {
    auto [ok, message] = client.changeJobPriority(id, value);
    std::cout << message << "\n";
    if (!ok) status = 1;
  }
  return status;
}

int archive(const Invocation& inv) {
  auto client = connectMaster();
  int status = 0;
  for (const auto& a : inv.options.args) {
    if (!client.archiveJob(jobIdArg(a))) {
      std::cerr << "Failed to archive job with ID '" << a << "'\n";
      status = 1;
    }
  }
  return status;
}

int autoArchive(const Invocation& inv) {
  const std::string age = inv.options.args[0];
  std::int64_t seconds = -1;
  if (age != "all") {
    std::size_t pos = 0;
    std::int64_t n = 0;
    try {
      n = std::stoll(age, &pos);
    } catch (const std::exception&) {
      throw core::luxi::opPrereqError("Invalid time specification '" + age + "'",
                                      "wrong_input");
    }
    const std::string suffix = age.substr(pos);
    const std::int64_t mult = suffix.empty() || suffix == "s" ? 1
                              : suffix == "m"                 ? 60
                              : suffix == "h"                 ? 3600
                              : suffix == "d"                 ? 86400
                              : suffix == "w"                 ? 604800
                                                              : 0;
    if (mult == 0) {
      throw core::luxi::opPrereqError("Invalid time specification '" + age + "'",
                                      "wrong_input");
    }
    seconds = n * mult;
  }
  auto client = connectMaster();
  Json result = client.autoArchiveJobs(seconds);
  std::cout << "Archived " << result[0].dump() << " jobs, " << result[1].dump()
            << " unchecked left\n";
  return 0;
}

}  // namespace
}  // namespace gantry::cli

int main(int argc, char** argv) {
  using namespace gantry::cli;
  auto priorityOption = OptionSpec{"", "--priority", "priority", true, "PRIORITY",
                                   "Priority for opcode processing",
                                   {"low", "normal", "high"}};
  auto cancelOptions = selectOptions();
  cancelOptions.push_back(
      {"", "--kill", "kill", false, "", "Stop running jobs even where they cannot be canceled", {}});
  cancelOptions.push_back({"", "--yes-do-it", "yes_do_it", false, "", "Confirm --kill", {}});
  auto prioOptions = selectOptions();
  prioOptions.push_back(priorityOption);
  std::vector<Command> commands = {
      {"list", {}, "[<job-id>...]", "Lists the jobs and their status", jobListOptions(), 0, -1,
       list},
      {"info", {"show"}, "<job-id>...", "Show detailed information about the jobs", {}, 1, -1,
       info},
      {"watch", {}, "<job-id>", "Follows a job and prints its output as it arrives", {}, 1, 1,
       watch},
      {"wait", {}, "<job-id>", "Wait for a job to finish", {}, 1, 1, wait},
      {"cancel", {}, "<job-id>...", "Cancel jobs", cancelOptions, 0, -1, cancel},
      {"change-priority", {}, "<job-id>...", "Change the priority of jobs", prioOptions, 0, -1,
       changePriority},
      {"archive", {}, "<job-id>...", "Archive specified jobs", {}, 1, -1, archive},
      {"autoarchive", {}, "<age>", "Auto archive jobs older than the given age", {}, 1, 1,
       autoArchive},
  };
  return runTool("gnt-job", argc, argv, commands);
}
