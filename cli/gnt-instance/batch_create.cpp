// gnt-instance batch-create: one OP_INSTANCE_MULTI_ALLOC job for the
// definitions of a file, then a wait for each create job it started, as
// Ganeti's JobExecutor does.
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/gnt-instance/batch_definitions.h"
#include "cli/gnt-instance/commands.h"
#include "cli/gnt-instance/instance_options.h"
#include "core/luxi/cli_errors.h"
#include "core/luxi/errors.h"

namespace gantry::cli::instance {
using core::luxi::Json;

int batchCreate(const Invocation& inv) {
  const auto& o = inv.options;
  std::ifstream in(o.args.at(0));
  if (!in) refuse("Can't parse the instance definition file: cannot read " + o.args.at(0));
  std::stringstream text;
  text << in.rdbuf();
  const Json op = batchCreateOpcode(text.str(), o.value("iallocator"));
  auto client = connectMaster();
  const Json results = submitAndWait(client, Json::array({op}), inv, std::cout);
  if (results.is_null()) return 0;  // --submit
  const Json jobs = results.at(0).value("jobs", Json::array());
  std::vector<std::int64_t> ids;
  std::string idList;
  int errors = 0;
  for (const auto& job : jobs) {
    if (!job.at(0).get<bool>()) {
      std::cerr << "Failed to submit job: " << job.at(1).dump() << "\n";
      ++errors;
      continue;
    }
    const Json& id = job.at(1);
    ids.push_back(id.is_string() ? std::stoll(id.get<std::string>()) : id.get<std::int64_t>());
    idList += (idList.empty() ? "" : ", ") + std::to_string(ids.back());
  }
  if (!ids.empty()) std::cout << "Submitted jobs " << idList << "\n";
  for (const auto id : ids) {
    std::cout << "Waiting for job " << id << " ...\n" << std::flush;
    try {
      pollJob(client, id, std::cout);
    } catch (const core::luxi::EncodedError& e) {
      std::cout << std::flush;
      std::cerr << "Job " << id << " has failed: " << core::luxi::formatCliError(e).text << "\n";
      ++errors;
    }
  }
  if (errors == 0) {
    std::cout << "All instances created successfully.\n";
    return 0;
  }
  std::cout << "There were " << errors << " errors during the creation.\n";
  return 1;
}

}  // namespace gantry::cli::instance
