// gnt-node: add, list, inspect, change and remove nodes.
#include "cli/common/tag_commands.h"
#include "cli/gnt-node/commands.h"

namespace gantry::cli::node {

std::vector<std::string> clusterNodeNames(core::luxi::Client& client) {
  std::vector<std::string> names;
  const auto result = client.query("node", {"name"}, nullptr);
  for (const auto& row : result.at("data")) names.push_back(row.at(0).at(1).get<std::string>());
  return names;
}

}  // namespace gantry::cli::node

int main(int argc, char** argv) {
  using namespace gantry::cli;
  const std::vector<std::string> yesNo = {"yes", "no"};
  std::vector<OptionSpec> addOptions = {
      {"-s", "--secondary-ip", "secondary_ip", true, "ADDRESS",
       "Specify the secondary ip for the node", {}},
      {"", "--readd", "readd", false, "", "Readd old node after replacing it", {}},
      {"-g", "--node-group", "group", true, "NODEGROUP", "Node group (name or uuid)", {}},
      {"", "--master-capable", "master_capable", true, "yes|no",
       "Set the master_capable flag on the node", yesNo},
      {"", "--vm-capable", "vm_capable", true, "yes|no", "Set the vm_capable flag on the node",
       yesNo},
      {"", "--node-parameters", "ndparams", true, "k=v,...", "Node parameters", {}},
      {"", "--node-key", "node_key", true, "KEY",
       "The node daemon's public key (gantry-noded --print-public-key on the node)", {}},
      {"", "--fingerprint", "fingerprint", true, "FINGERPRINT",
       "Accept the node key only with this fingerprint, without asking", {}},
      {"", "--join-token", "join_token", true, "TOKEN",
       "One-time token created on the node (gantry-noded --create-join-token)", {}},
      {"", "--rpc-port", "rpc_port", true, "PORT",
       "Port of the node daemon (default: the master's own)", {}},
  };
  std::vector<OptionSpec> listOptions = {
      {"-o", "--output", "output", true, "FIELDS", "Select output fields", {}},
      {"", "--no-headers", "no_headers", false, "", "Don't display column headers", {}},
      {"", "--separator", "separator", true, "SEPARATOR", "Separator between output fields", {}},
      {"", "--units", "units", true, "UNITS", "Specify units for output", {"h", "m", "g", "t"}},
      {"-v", "--verbose", "verbose", false, "", "Increase the verbosity of the operation", {}},
      {"-F", "--filter", "filter", false, "", "Filter by the positional arguments", {}},
  };
  std::vector<OptionSpec> modifyOptions = {
      {"-f", "--force", "force", false, "", "Force the operation", {}},
      {"-C", "--master-candidate", "master_candidate", true, "yes|no",
       "Set the master_candidate flag on the node", yesNo},
      {"-D", "--drained", "drained", true, "yes|no", "Set the drained flag on the node", yesNo},
      {"-O", "--offline", "offline", true, "yes|no", "Set the offline flag on the node", yesNo},
      {"", "--master-capable", "master_capable", true, "yes|no",
       "Set the master_capable flag on the node", yesNo},
      {"", "--vm-capable", "vm_capable", true, "yes|no", "Set the vm_capable flag on the node",
       yesNo},
      {"", "--auto-promote", "auto_promote", false, "",
       "Automatically promote nodes if needed to maintain the number of master candidates", {}},
      {"-s", "--secondary-ip", "secondary_ip", true, "ADDRESS",
       "Specify the secondary ip for the node", {}},
      {"", "--node-parameters", "ndparams", true, "k=v,...", "Node parameters", {}},
      {"", "--node-powered", "powered", true, "yes|no",
       "Specify if the SoR for node is powered", yesNo},
  };
  for (const auto& o : submitOptions()) modifyOptions.push_back(o);
  std::vector<OptionSpec> removeOptions = submitOptions();
  std::vector<Command> commands = {
      {"add", {}, "[-s ip] [--readd] <node_name>", "Add a node to the cluster", addOptions, 1, 1,
       node::add},
      {"list", {}, "[<node_name>...]", "Lists the nodes in the cluster", listOptions, 0, -1,
       node::list},
      {"info", {"show"}, "[<node_name>...]", "Show information about the node(s)", {}, 0, -1,
       node::info},
      {"modify", {}, "<node_name>", "Alters the parameters of a node", modifyOptions, 1, 1,
       node::modify},
      {"remove", {}, "<node_name>", "Removes a node from the cluster", removeOptions, 1, 1,
       node::remove},
      {"evacuate", {}, "[-f] {-I <iallocator> | -n <dst>} [-p | -s] [options...] <node>",
       "Relocate the primary and/or secondary instances from a node", node::evacuateOptions(),
       1, -1, node::evacuate},
  };
  for (auto& command : tagCommands("node")) commands.push_back(std::move(command));
  return runTool("gnt-node", argc, argv, commands);
}
