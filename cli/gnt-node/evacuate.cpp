// gnt-node evacuate: Ganeti's EvacuateNode. Asks before moving anything,
// submits OP_NODE_EVACUATE and waits for each job it started.
#include <algorithm>
#include <iostream>
#include <set>

#include "cli/common/confirm.h"
#include "cli/common/job_executor.h"
#include "cli/gnt-node/commands.h"
#include "core/luxi/errors.h"
#include "core/query/engine.h"

namespace gantry::cli::node {
using core::luxi::Json;

std::vector<OptionSpec> evacuateOptions() {
  auto options = submitOptions();
  options.insert(
      options.end(),
      {{"-f", "--force", "force", false, "", "Do not ask for confirmation", {}},
       {"-I", "--iallocator", "iallocator", true, "<NAME>",
        "Select new secondaries and primaries with this allocator", {}},
       {"-n", "--new-secondary", "dst_node", true, "NODE", "New secondary node", {}},
       {"-p", "--primary-only", "primary_only", false, "", "Evacuate primary instances only", {}},
       {"-s", "--secondary-only", "secondary_only", false, "",
        "Evacuate secondary instances only", {}},
       {"", "--early-release", "early_release", false, "",
        "Release the locks on the secondary node(s) early", {}},
       {"", "--ignore-soft-errors", "ignore_soft_errors", false, "",
        "Tell the allocator to ignore soft errors", {}}});
  return options;
}

int evacuate(const Invocation& inv) {
  const auto& o = inv.options;
  if (o.value("dst_node") && o.value("iallocator")) {
    std::cerr << "Give either the iallocator or the new secondary, not both\n";
    return 1;
  }
  if (o.flag("primary_only") && o.flag("secondary_only")) {
    throw core::luxi::opPrereqError(
        "Only one of the --primary-only and --secondary-only options can be passed",
        "wrong_input");
  }
  const std::string mode = o.flag("primary_only")     ? "primary-only"
                           : o.flag("secondary_only") ? "secondary-only"
                                                      : "all";
  auto client = connectMaster();
  Json filter = Json::array({"|"});
  for (const auto& name : o.args) filter.push_back(Json::array({"=", "name", name}));
  const Json rows = client.query("node", {"name", "pinst_list", "sinst_list"}, filter);
  std::set<std::string> instances;
  for (const auto& row : rows.at("data")) {
    for (std::size_t column : {std::size_t{1}, std::size_t{2}}) {
      if ((column == 1 && mode == "secondary-only") || (column == 2 && mode == "primary-only")) {
        continue;
      }
      for (const auto& name : row.at(column).at(1)) instances.insert(name.get<std::string>());
    }
  }
  std::string nodes;
  for (const auto& n : o.args) nodes += (nodes.empty() ? "" : ", ") + n;
  if (instances.empty()) {
    std::cerr << "No instances to evacuate on node(s) " << nodes << ", exiting.\n";
    return 0;
  }
  std::vector<std::string> sorted(instances.begin(), instances.end());
  std::sort(sorted.begin(), sorted.end(), core::query::naturalLess);
  std::string names;
  for (const auto& n : sorted) names += (names.empty() ? "" : ", ") + n;
  if (!o.flag("force") &&
      !askYesNo("Relocate instance(s) " + names + " from node(s) " + nodes + "?")) {
    return 1;
  }
  Json op = {{"OP_ID", "OP_NODE_EVACUATE"},
             {"node_name", o.args.at(0)},
             {"mode", mode},
             {"early_release", o.flag("early_release")},
             {"ignore_soft_errors", o.flag("ignore_soft_errors")}};
  if (auto node = o.value("dst_node")) op["remote_node"] = *node;
  if (auto allocator = o.value("iallocator")) op["iallocator"] = *allocator;
  const Json results = submitAndWait(client, Json::array({op}), inv, std::cout);
  if (results.is_null()) return 0;  // --submit
  const int errors = waitForSubmittedJobs(client, results.at(0).value("jobs", Json::array()), {},
                                          std::cout);
  if (errors == 0) {
    std::cout << "All instances evacuated successfully.\n";
    return 0;
  }
  std::cout << "There were " << errors << " errors during the evacuation.\n";
  return 1;
}

}  // namespace gantry::cli::node
