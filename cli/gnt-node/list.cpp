// gnt-node list: Query "node" as a table.
#include "cli/common/list_command.h"
#include "cli/gnt-node/commands.h"

namespace gantry::cli::node {

int list(const Invocation& inv) {
  return listResource(inv, "node",
                      {"name", "dtotal", "dfree", "mtotal", "mnode", "mfree", "pinst_cnt",
                       "sinst_cnt"});
}

}  // namespace gantry::cli::node
