// gnt-instance batch-create: one OP_INSTANCE_MULTI_ALLOC job for the
// definitions of a file, then a wait for each create job it started, as
// Ganeti's JobExecutor does.
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/common/job_executor.h"
#include "cli/gnt-instance/batch_definitions.h"
#include "cli/gnt-instance/commands.h"
#include "cli/gnt-instance/instance_options.h"

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
  const int errors = waitForSubmittedJobs(client, results.at(0).value("jobs", Json::array()), {},
                                          std::cout);
  if (errors == 0) {
    std::cout << "All instances created successfully.\n";
    return 0;
  }
  std::cout << "There were " << errors << " errors during the creation.\n";
  return 1;
}

}  // namespace gantry::cli::instance
