// gnt-instance info: one OP_INSTANCE_QUERY_DATA job, printed in Ganeti's
// PrintGenericInfo layout (cli/gnt-instance/info_layout.h), instances in
// name order.
#include <algorithm>
#include <iostream>

#include "cli/common/generic_info.h"
#include "cli/gnt-instance/commands.h"
#include "cli/gnt-instance/info_layout.h"

namespace gantry::cli::instance {
using core::luxi::Json;

int info(const Invocation& inv) {
  const auto& o = inv.options;
  const bool all = o.flag("show_all");
  if (o.args.empty() && !all) {
    std::cerr << "No instance selected. Please pass in --all if you want to query all "
                 "instances.\nNote that this can take a long time on a big cluster.\n";
    return 1;
  }
  if (!o.args.empty() && all) {
    std::cerr << "Cannot use --all if you specify instance names.\n";
    return 1;
  }
  const bool isStatic = o.flag("static");
  Json op = {{"OP_ID", "OP_INSTANCE_QUERY_DATA"},
             {"instances", o.args},
             {"static", isStatic},
             {"use_locking", !isStatic}};
  auto client = connectMaster();
  const Json results = submitAndWait(client, Json::array({op}), inv, std::cout);
  if (results.is_null()) return 0;  // --submit
  const Json byName = results.at(0);
  if (!byName.is_object() || byName.empty()) {
    std::cerr << "No instances.\n";
    return 1;
  }
  std::vector<std::string> names;
  for (const auto& [name, data] : byName.items()) names.push_back(name);
  std::sort(names.begin(), names.end());
  Json items = Json::array();
  for (const auto& name : names) items.push_back(instanceInfoLayout(byName.at(name)));
  std::cout << formatGenericInfo(items);
  return 0;
}

}  // namespace gantry::cli::instance
