// gnt-cluster: create, inspect, change and destroy the cluster.
#include "cli/common/tag_commands.h"
#include "cli/gnt-cluster/commands.h"

int main(int argc, char** argv) {
  using namespace gantry::cli;
  auto initOptions = cluster::parameterOptions();
  initOptions.push_back({"-s", "--secondary-ip", "secondary_ip", true, "ADDRESS",
                         "Specify the secondary ip for this node", {}});
  auto modifyOptions = cluster::parameterOptions();
  modifyOptions.push_back({"-f", "--force", "force", false, "", "Force the operation", {}});
  for (const auto& o : submitOptions()) modifyOptions.push_back(o);
  std::vector<OptionSpec> destroyOptions = {
      {"", "--yes-do-it", "yes_do_it", false, "",
       "Destroy cluster", {}},
      {"", "--ya-rly", "yes_do_it", false, "", "Destroy cluster", {}},
  };
  std::vector<OptionSpec> infoOptions = {
      {"", "--roman", "roman", false, "", "Use roman numbers for positive integers", {}},
  };
  std::vector<OptionSpec> failoverOptions = {
      {"", "--no-voting", "no_voting", false, "",
       "Skip node agreement check (dangerous)", {}},
      {"", "--yes-do-it", "yes_do_it", false, "", "Do not ask for confirmation", {}},
      {"", "--ignore-offline-nodes", "ignore_offline_nodes", true, "VALUE",
       "Ignore offline nodes when counting the votes (always done)", {}},
  };
  std::vector<Command> commands = {
      {"init", {}, "[opts...] <cluster_name>", "Initialises a new cluster configuration",
       initOptions, 1, 1, cluster::init},
      {"info", {"show"}, "[--roman]", "Show cluster configuration", infoOptions, 0, 0,
       cluster::info},
      {"modify", {}, "[opts...]", "Alters the parameters of the cluster", modifyOptions, 0, 0,
       cluster::modify},
      {"destroy", {}, "", "Destroy cluster", destroyOptions, 0, 0, cluster::destroy},
      {"master-failover", {"masterfailover"}, "[--no-voting [--yes-do-it]]",
       "Makes the current node the master", failoverOptions, 0, 0, cluster::masterFailover},
      {"verify", {}, "[opts...]", "Does a check on the cluster configuration",
       cluster::verifyOptions(), 0, 0, cluster::verify},
  };
  for (auto& command : tagCommands("cluster")) commands.push_back(std::move(command));
  commands.push_back({"search-tags", {}, "<pattern>",
                      "Searches the tags on all objects on the cluster for a given pattern "
                      "(regex)",
                      {{"", "--priority", "priority", true, "PRIORITY",
                        "Priority for opcode processing", {"low", "normal", "high"}}},
                      1, 1, searchTags});
  return runTool("gnt-cluster", argc, argv, commands);
}
