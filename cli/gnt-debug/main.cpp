// gnt-debug: delay, submit-job, test-jobqueue and allocator.
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/common/tool.h"
#include "cli/gnt-debug/allocator.h"
#include "core/luxi/cli_errors.h"
#include "core/luxi/errors.h"

namespace gantry::cli {
namespace {
using core::luxi::Json;

int delay(const Invocation& inv) {
  const auto& o = inv.options;
  double duration = 0;
  try {
    std::size_t pos = 0;
    duration = std::stod(o.args[0], &pos);
    if (pos != o.args[0].size()) throw std::invalid_argument("trailing text");
  } catch (const std::exception&) {
    throw core::luxi::opPrereqError("Invalid duration '" + o.args[0] + "'", "wrong_input");
  }
  std::int64_t repeat = 0;
  if (auto r = o.value("repeat")) {
    try {
      repeat = std::stoll(*r);
    } catch (const std::exception&) {
      throw core::luxi::opPrereqError("Invalid repeat count '" + *r + "'", "wrong_input");
    }
  }
  Json op = {{"OP_ID", "OP_TEST_DELAY"},
             {"duration", duration},
             {"on_master", !o.flag("no_master")},
             {"on_nodes", o.all("nodes")},
             {"repeat", repeat},
             {"interruptible", o.flag("interruptible")},
             {"no_locks", o.flag("no_locks")}};
  auto client = connectMaster();
  submitAndWait(client, Json::array({op}), inv, std::cout);
  return 0;
}

int submitJob(const Invocation& inv) {
  const auto& o = inv.options;
  auto intOption = [&](const char* name) -> int {
    auto v = o.value(name);
    if (!v) return 1;
    try {
      return std::max(1, std::stoi(*v));
    } catch (const std::exception&) {
      throw core::luxi::opPrereqError(std::string("Invalid value for --") + name,
                                      "wrong_input");
    }
  };
  const int opRepeat = intOption("op_repeat");
  const int jobRepeat = intOption("job_repeat");
  std::vector<std::pair<std::string, Json>> jobs;  // name, opcodes
  for (const auto& file : o.args) {
    std::ifstream in(file);
    if (!in) {
      throw core::luxi::opPrereqError("Can't read file '" + file + "'", "environment_error");
    }
    std::stringstream text;
    text << in.rdbuf();
    Json ops;
    try {
      ops = Json::parse(text.str());
    } catch (const std::exception& e) {
      throw core::luxi::opPrereqError("File '" + file + "' is not valid JSON: " + e.what(),
                                      "wrong_input");
    }
    if (!ops.is_array()) {
      throw core::luxi::opPrereqError("File '" + file + "' must hold a list of opcodes",
                                      "wrong_input");
    }
    Json repeated = Json::array();
    for (int r = 0; r < opRepeat; ++r) {
      for (const auto& op : ops) repeated.push_back(op);
    }
    for (int j = 0; j < jobRepeat; ++j) {
      jobs.emplace_back("file " + file + "/" + std::to_string(j), repeated);
    }
  }
  Json submission = Json::array();
  for (auto& [name, ops] : jobs) {
    decorateOpcodes(ops, inv);
    submission.push_back(ops);
  }
  auto client = connectMaster();
  Json results = client.submitManyJobs(submission);
  std::vector<std::pair<std::int64_t, std::string>> submitted;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i][0].get<bool>()) {
      submitted.emplace_back(results[i][1].get<std::int64_t>(), jobs[i].first);
    } else {
      std::cerr << "Failed to submit job for " << jobs[i].first << ": "
                << results[i][1].dump() << "\n";
    }
  }
  if (o.flag("verbose")) {
    std::cout << "Submitted jobs ";
    for (std::size_t i = 0; i < submitted.size(); ++i) {
      std::cout << (i > 0 ? ", " : "") << submitted[i].first;
    }
    std::cout << "\n";
  }
  for (const auto& [id, name] : submitted) {
    std::cout << "Waiting for job " << id << " for " << name << " ...\n" << std::flush;
    try {
      pollJob(client, id, std::cout);
    } catch (const core::luxi::EncodedError& e) {
      std::cerr << "Job " << id << " for " << name
                << " has failed: " << core::luxi::formatCliError(e).text << "\n";
    }
  }
  return 0;
}

// Exercises the job queue through the master: log messages come back in
// order, a requested failure fails the job with its message.
int testJobqueue(const Invocation& inv) {
  auto client = connectMaster();
  std::cout << "Testing job queue: log messages\n";
  Json logJob = Json::array({{{"OP_ID", "OP_TEST_JQUEUE"},
                              {"log_messages", {"Hello", "World", "from the queue"}}}});
  decorateOpcodes(logJob, inv);
  std::ostringstream out;
  const std::int64_t id = client.submitJob(logJob);
  pollJob(client, id, out);
  for (const char* expected : {"Hello", "World", "from the queue"}) {
    if (out.str().find(expected) == std::string::npos) {
      throw core::luxi::opExecError("Job " + std::to_string(id) + " did not log '" +
                                    expected + "'");
    }
  }
  std::cout << "Testing job queue: a failing opcode\n";
  Json failJob = Json::array({{{"OP_ID", "OP_TEST_JQUEUE"}, {"fail", true}}});
  decorateOpcodes(failJob, inv);
  const std::int64_t failId = client.submitJob(failJob);
  try {
    pollJob(client, failId, out);
    throw core::luxi::opExecError("Job " + std::to_string(failId) + " did not fail");
  } catch (const core::luxi::EncodedError& e) {
    if (e.firstArg() != "Opcode failure was requested") throw;
  }
  std::cout << "Job queue test successful\n";
  return 0;
}

}  // namespace
}  // namespace gantry::cli

int main(int argc, char** argv) {
  using namespace gantry::cli;
  auto delayOptions = submitOptions();
  delayOptions.push_back({"", "--no-master", "no_master", false, "",
                          "Do not sleep in the master code", {}});
  delayOptions.push_back({"-n", "", "nodes", true, "NODE", "Nodes to sleep on", {}});
  delayOptions.push_back({"-r", "--repeat", "repeat", true, "REPEAT",
                          "Number of times to repeat the sleep", {}});
  delayOptions.push_back({"-i", "--interruptible", "interruptible", false, "",
                          "Allows the opcode to be interrupted", {}});
  delayOptions.push_back({"-l", "--no-locks", "no_locks", false, "",
                          "Don't take locks while sleeping", {}});
  std::vector<OptionSpec> submitJobOptions = {
      {"-v", "--verbose", "verbose", false, "", "Increase the verbosity", {}},
      {"", "--op-repeat", "op_repeat", true, "N", "Repeat the opcode sequence this many times", {}},
      {"", "--job-repeat", "job_repeat", true, "N", "Repeat the job this many times", {}},
      {"", "--timing-stats", "timing_stats", false, "", "Show timing statistics", {}},
      {"", "--each", "each", false, "", "Submit each job separately", {}},
  };
  std::vector<Command> commands = {
      {"delay", {}, "[opts...] <duration>", "Executes a TestDelay OpCode", delayOptions, 1, 1,
       delay},
      {"submit-job", {}, "<op_list_file...>", "Submits jobs built from json files",
       submitJobOptions, 1, -1, submitJob},
      {"test-jobqueue", {}, "", "Test a few aspects of the job queue", {}, 0, 0, testJobqueue},
      {"allocator", {}, "{opts...} <instance>", "Executes a TestAllocator OpCode",
       allocatorOptions(), 1, -1, testAllocator},
  };
  return runTool("gnt-debug", argc, argv, commands);
}
