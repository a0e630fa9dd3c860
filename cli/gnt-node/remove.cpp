// gnt-node remove: OP_NODE_REMOVE.
#include <iostream>

#include "cli/gnt-node/commands.h"

namespace gantry::cli::node {
using core::luxi::Json;

int remove(const Invocation& inv) {
  auto client = connectMaster();
  submitAndWait(client,
                Json::array({Json{{"OP_ID", "OP_NODE_REMOVE"}, {"node_name", inv.options.args.at(0)}}}),
                inv, std::cout);
  return 0;
}

}  // namespace gantry::cli::node
