// gnt-cluster modify: OP_CLUSTER_SET_PARAMS with the options given.
#include <iostream>

#include "cli/gnt-cluster/commands.h"

namespace gantry::cli::cluster {
using core::luxi::Json;

int modify(const Invocation& inv) {
  Json op = Json(parametersFromOptions(inv.options));
  if (op.empty()) {
    std::cerr << "Please give at least one of the parameters.\n";
    return 1;
  }
  op["OP_ID"] = "OP_CLUSTER_SET_PARAMS";
  if (inv.options.flag("force")) op["force"] = true;
  auto client = connectMaster();
  submitAndWait(client, Json::array({op}), inv, std::cout);
  return 0;
}

}  // namespace gantry::cli::cluster
