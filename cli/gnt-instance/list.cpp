// gnt-instance list: Query "instance" as a table (Ganeti's default
// columns Instance Hypervisor OS Primary_node Status Memory).
#include "cli/common/list_command.h"
#include "cli/gnt-instance/commands.h"

namespace gantry::cli::instance {

int list(const Invocation& inv) {
  return listResource(inv, "instance", {"name", "hypervisor", "os", "pnode", "status", "oper_ram"});
}

}  // namespace gantry::cli::instance
