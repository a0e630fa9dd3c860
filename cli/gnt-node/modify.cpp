// gnt-node modify: OP_NODE_SET_PARAMS, then "Modified node <n>" and one
// " - <param> -> <value>" line per change.
#include <cstdio>
#include <iostream>

#include "cli/common/confirm.h"
#include "cli/common/key_values.h"
#include "cli/gnt-node/commands.h"

namespace gantry::cli::node {
using core::luxi::Json;

int modify(const Invocation& inv) {
  const auto& o = inv.options;
  const std::string name = o.args.at(0);
  Json op = {{"OP_ID", "OP_NODE_SET_PARAMS"}, {"node_name", name}};
  bool any = false;
  for (const char* flag :
       {"master_candidate", "drained", "offline", "master_capable", "vm_capable", "powered"}) {
    if (auto v = o.value(flag)) {
      op[flag] = parseYesNo(*v);
      any = true;
    }
  }
  if (auto sip = o.value("secondary_ip")) {
    op["secondary_ip"] = *sip;
    any = true;
  }
  if (auto nd = o.value("ndparams")) {
    op["ndparams"] = Json(parseKeyValues(*nd, {}));
    any = true;
  }
  if (!any) {
    std::cerr << "Please give at least one of the parameters.\n";
    return 1;
  }
  if (op.contains("offline") && !op["offline"].get<bool>() && !o.flag("force")) {
    if (!askYesNo("You are setting this node online manually. If the configuration has "
                  "changed, this can cause issues such as split brain. To safely bring a "
                  "node back online, please use --readd instead. If you are confident that "
                  "the configuration hasn't changed, continue?")) {
      return 1;
    }
  }
  op["force"] = o.flag("force");
  op["auto_promote"] = o.flag("auto_promote");
  auto client = connectMaster();
  const Json results = submitAndWait(client, Json::array({op}), inv, std::cout);
  if (results.is_array() && !results.empty() && results[0].is_array()) {
    std::cout << "Modified node " << name << "\n";
    for (const auto& change : results[0]) {
      char line[512];
      std::snprintf(line, sizeof line, " - %-5s -> %s",
                    change.at(0).get<std::string>().c_str(),
                    change.at(1).get<std::string>().c_str());
      std::cout << line << "\n";
    }
  }
  return 0;
}

}  // namespace gantry::cli::node
