// gnt-cluster verify (Ganeti's VerifyCluster): OP_CLUSTER_VERIFY, then
// waits for the jobs it submitted (the config job and one per node group),
// printing their findings. Exit 0 only when every job succeeded and found
// no error.
#include <iostream>

#include "cli/gnt-cluster/commands.h"
#include "core/luxi/cli_errors.h"

namespace gantry::cli::cluster {
using core::luxi::Json;

std::vector<OptionSpec> verifyOptions() {
  return {
      {"", "--debug-simulate-errors", "debug_simulate_errors", false, "",
       "Debugging option that makes the operation treat most runtime checks as failed", {}},
      {"-v", "--verbose", "verbose", false, "", "Increase the verbosity of the operation", {}},
      {"", "--error-codes", "error_codes", false, "",
       "Enable parseable error messages", {}},
      {"", "--no-nplus1-mem", "skip_nplusone_mem", false, "",
       "Skip N+1 memory redundancy tests", {}},
      {"-I", "--ignore-errors", "ignore_errors", true, "ERROR_CODES",
       "Ignore specific error codes", {}},
      {"-g", "--node-group", "nodegroup", true, "<NODEGROUP>", "Node group (name or uuid)", {}},
      {"", "--verify-ssh-clutter", "verify_clutter", false, "",
       "Verify that Ganeti did not clutter up the 'authorized_keys' file", {}},
      {"", "--priority", "priority", true, "PRIORITY", "Priority for opcode processing",
       {"low", "normal", "high"}},
      {"", "--dry-run", "dry_run", false, "",
       "Do not execute the operation, just run the check steps and verify if it could be "
       "executed", {}},
  };
}

int verify(const Invocation& inv) {
  const auto& o = inv.options;
  Json op = {{"OP_ID", "OP_CLUSTER_VERIFY"},
             {"debug_simulate_errors", o.flag("debug_simulate_errors")},
             {"verbose", o.flag("verbose")},
             {"error_codes", o.flag("error_codes")},
             {"verify_clutter", o.flag("verify_clutter")},
             {"skip_checks", Json::array()},
             {"ignore_errors", Json::array()}};
  if (o.flag("skip_nplusone_mem")) op["skip_checks"].push_back("nplusone_mem");
  for (const auto& code : o.all("ignore_errors")) op["ignore_errors"].push_back(code);
  if (auto group = o.value("nodegroup")) op["group_name"] = *group;
  auto client = connectMaster();
  const Json results = submitAndWait(client, Json::array({op}), inv, std::cout);
  if (!results.is_array() || results.empty() || !results[0].is_object()) return 1;
  const Json jobs = results[0].value("jobs", Json::array());

  std::vector<std::int64_t> ids;
  for (const auto& job : jobs) {
    if (job.size() == 2 && job[0] == true) {
      ids.push_back(job[1].get<std::int64_t>());
    } else {
      std::cerr << "Failure for job: " << (job.size() == 2 ? job[1].dump() : job.dump())
                << "\n";
    }
  }
  std::cout << "Submitted jobs ";
  for (std::size_t i = 0; i < ids.size(); ++i) std::cout << (i > 0 ? ", " : "") << ids[i];
  std::cout << "\n" << std::flush;

  int badJobs = static_cast<int>(jobs.size() - ids.size());
  int badResults = 0;
  for (const auto id : ids) {
    std::cout << "Waiting for job " << id << " ...\n" << std::flush;
    try {
      const Json opResults = pollJob(client, id, std::cout);
      for (const auto& r : opResults) {
        if (r != true) ++badResults;
      }
    } catch (const core::luxi::EncodedError& e) {
      std::cerr << "Job " << id << " has failed: " << core::luxi::formatCliError(e).text
                << "\n";
      ++badJobs;
    }
  }
  if (badJobs > 0) {
    std::cout << badJobs << " job(s) failed while verifying the cluster.\n";
  }
  return badJobs == 0 && badResults == 0 ? 0 : 1;
}

}  // namespace gantry::cli::cluster
