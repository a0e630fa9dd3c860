// gnt-instance: Ganeti's instance commands (the disk-replacing, moving,
// recreating and group-changing ones still to come).
#include "cli/common/list_command.h"
#include "cli/common/tag_commands.h"
#include "cli/gnt-instance/commands.h"
#include "cli/gnt-instance/selection.h"

int main(int argc, char** argv) {
  using namespace gantry::cli;
  using namespace gantry::cli::instance;
  const OptionSpec force = {"-f", "--force", "force", false, "", "Do not ask for confirmation", {}};
  const OptionSpec ignoreOffline = {"", "--ignore-offline", "ignore_offline", false, "",
                                    "Ignore offline nodes and do as much as possible", {}};
  const OptionSpec noRemember = {"", "--no-remember", "no_remember", false, "",
                                 "Perform but do not record the change in the configuration",
                                 {}};
  auto addOptions = submitOptions();
  addOptions.insert(
      addOptions.end(),
      {{"-t", "--disk-template", "disk_template", true, "TEMPL", "Custom disk setup", {}},
       {"-s", "--os-size", "sd_size", true, "SIZE", "Disk size for a single-disk instance", {}},
       {"", "--disk", "disks", true, "<idx>:<params>", "Disk parameters", {}},
       {"", "--net", "nics", true, "<idx>:<params>", "NIC parameters", {}},
       {"", "--no-nics", "no_nics", false, "", "Do not create any network cards", {}},
       {"-o", "--os-type", "os", true, "<os>", "What OS to run", {}},
       {"-n", "--node", "node", true, "<node>[:<secondary-node>]", "Target node", {}},
       {"-I", "--iallocator", "iallocator", true, "<NAME>",
        "Select nodes for the instance automatically using the <NAME> iallocator plugin", {}},
       {"-g", "--node-group", "group_name", true, "<nodegroup>", "Node group for the instance",
        {}},
       {"-B", "--backend-parameters", "beparams", true, "BEPARAMS", "Backend parameters", {}},
       {"-H", "--hypervisor-parameters", "hypervisor", true, "HYPERVISOR",
        "Hypervisor and hypervisor options", {}},
       {"-O", "--os-parameters", "osparams", true, "<key>=<val>", "OS parameters", {}},
       {"", "--no-start", "no_start", false, "", "Don't start the instance after creation", {}},
       {"", "--no-install", "no_install", false, "", "Do not install the OS", {}},
       {"", "--no-ip-check", "no_ip_check", false, "", "Don't check that the IP is free", {}},
       {"", "--no-name-check", "no_name_check", false, "", "Don't check the name resolves", {}},
       {"", "--force-variant", "force_variant", false, "", "Force an unknown variant", {}},
       {"", "--file-storage-dir", "file_storage_dir", true, "<dir>",
        "Relative path under the cluster's file storage directory", {}},
       {"", "--file-driver", "file_driver", true, "<driver>", "Driver to use for file disks",
        {"loop", "blktap", "blktap2"}},
       {"", "--tags", "tags", true, "TAG[,TAG...]", "Tags for the new instance", {}}});
  auto removeOptions = submitOptions();
  removeOptions.insert(removeOptions.end(),
                       {force,
                        {"", "--ignore-failures", "ignore_failures", false, "",
                         "Remove the instance from the cluster even if shutdown or disk removal "
                         "fails",
                         {}},
                        {"", "--shutdown-timeout", "shutdown_timeout", true, "TIMEOUT",
                         "Seconds to wait for the instance to shut down", {}}});
  const auto selection = selectionOptions();
  auto withSelection = [&](std::vector<OptionSpec> options) {
    options.insert(options.end(), selection.begin(), selection.end());
    return options;
  };
  auto startOptions = submitOptions();
  startOptions.insert(startOptions.end(),
                      {force, ignoreOffline, noRemember,
                       {"", "--paused", "paused", false, "", "Pause instance at startup", {}}});
  auto stopOptions = submitOptions();
  stopOptions.insert(stopOptions.end(),
                     {ignoreOffline, noRemember,
                      {"", "--timeout", "timeout", true, "TIMEOUT",
                       "Seconds to wait before forcing the shutdown (default 120)", {}}});
  auto failoverOptions = submitOptions();
  failoverOptions.insert(
      failoverOptions.end(),
      {force,
       {"", "--ignore-consistency", "ignore_consistency", false, "",
        "Ignore the consistency of the disks on the secondary", {}},
       {"", "--shutdown-timeout", "shutdown_timeout", true, "TIMEOUT",
        "Seconds to wait for the instance to shut down", {}},
       {"-n", "--target-node", "target_node", true, "<node>", "Target node", {}},
       {"-I", "--iallocator", "iallocator", true, "<NAME>",
        "Select the target node with this allocator", {}},
       {"", "--ignore-ipolicy", "ignore_ipolicy", false, "", "Ignore instance policy violations", {}},
       {"", "--cleanup", "cleanup", false, "", "Clean up after a failed failover", {}}});
  auto rebootOptions = submitOptions();
  rebootOptions.insert(rebootOptions.end(),
                       {{"-t", "--type", "reboot_type", true, "TYPE", "Type of reboot",
                         {"soft", "hard", "full"}},
                        {"", "--ignore-secondaries", "ignore_secondaries", false, "",
                         "Ignore errors from secondaries", {}},
                        {"", "--shutdown-timeout", "shutdown_timeout", true, "TIMEOUT",
                         "Seconds to wait for the instance to shut down", {}}});
  auto migrateOptions = submitOptions();
  migrateOptions.insert(
      migrateOptions.end(),
      {force,
       {"", "--non-live", "non_live", false, "", "Do a non-live migration", {}},
       {"", "--migration-mode", "migration_mode", true, "MODE", "Migration mode",
        {"live", "non-live"}},
       {"", "--allow-failover", "allow_failover", false, "",
        "Fail over a stopped instance instead of migrating it", {}},
       {"", "--no-runtime-changes", "no_runtime_changes", false, "",
        "Don't change the instance's memory to make it fit", {}},
       {"-n", "--target-node", "target_node", true, "<node>", "Target node", {}},
       {"-I", "--iallocator", "iallocator", true, "<NAME>",
        "Select the target node with this allocator", {}},
       {"", "--ignore-ipolicy", "ignore_ipolicy", false, "", "Ignore instance policy violations", {}},
       {"", "--ignore-hvversions", "ignore_hvversions", false, "",
        "Ignore different hypervisor versions on the nodes", {}},
       {"", "--cleanup", "cleanup", false, "", "Recover from a failed migration", {}}});

  auto infoOptions = std::vector<OptionSpec>{
      {"-s", "--static", "static", false, "", "Only show configuration data, not runtime data",
       {}},
      {"", "--all", "show_all", false, "", "Show info on all instances on the cluster", {}},
      {"", "--roman", "roman", false, "", "Use roman numbers for positive integers", {}}};
  auto growOptions = submitOptions();
  growOptions.insert(growOptions.end(),
                     {{"", "--absolute", "absolute", false, "",
                       "The amount is the new size of the disk, not an increment", {}},
                      {"", "--no-wait-for-sync", "no_wait_for_sync", false, "",
                       "Don't wait for the disks to sync", {}},
                      {"", "--ignore-ipolicy", "ignore_ipolicy", false, "",
                       "Ignore instance policy violations", {}}});
  auto activateOptions = submitOptions();
  activateOptions.insert(activateOptions.end(),
                         {{"", "--ignore-size", "ignore_size", false, "",
                           "Ignore the size recorded in the configuration", {}},
                          {"", "--wait-for-sync", "wait_for_sync", false, "",
                           "Wait for the disks to sync", {}}});
  auto deactivateOptions = submitOptions();
  deactivateOptions.push_back({"-f", "--force", "force", false, "",
                               "Deactivate even if the instance runs", {}});
  auto reinstallOptions = submitOptions();
  reinstallOptions.insert(
      reinstallOptions.end(),
      {force,
       {"-o", "--os-type", "os", true, "<os>", "Install this OS instead of the current one", {}},
       {"", "--select-os", "select_os", false, "", "Interactive OS reinstall, lists available OS "
        "templates for selection", {}},
       {"", "--force-variant", "force_variant", false, "", "Force an unknown variant", {}},
       {"-O", "--os-parameters", "osparams", true, "<key>=<val>", "OS parameters", {}}});
  auto renameOptions = submitOptions();
  renameOptions.insert(
      renameOptions.end(),
      {{"", "--name-check", "name_check", false, "", "Check that the new name resolves", {}},
       {"", "--ip-check", "ip_check", false, "", "Check that the new IP is not in use", {}},
       {"", "--no-name-check", "no_name_check", false, "", "(default; kept for 3.0 scripts)",
        {}},
       {"", "--no-ip-check", "no_ip_check", false, "", "(default; kept for 3.0 scripts)", {}},
       {"-f", "--force", "force", false, "", "(kept for 3.0 scripts)", {}}});
  auto batchOptions = submitOptions();
  batchOptions.push_back({"-I", "--iallocator", "iallocator", true, "<NAME>",
                          "Select the nodes with this allocator", {}});

  std::vector<Command> commands = {
      {"add", {}, "<instance-name>", "Creates and adds a new instance to the cluster",
       addOptions, 1, 1, add},
      {"list", {}, "[<instance>...]", "Lists the instances and their status", listOptions(), 0, -1,
       list},
      {"remove", {}, "<instance>", "Shuts down the instance and removes it", removeOptions, 1, 1,
       gantry::cli::instance::remove},
      {"batch-create", {}, "<instances.json>",
       "Create a bunch of instances based on specs in the file", batchOptions, 1, 1, batchCreate},
      {"startup", {"start"}, "<instance>...", "Starts an instance", withSelection(startOptions), 0,
       -1, startup},
      {"shutdown", {"stop"}, "<instance>...", "Stops an instance", withSelection(stopOptions), 0,
       -1, shutdown},
      {"info", {"show"}, "[-s] {--all | <instance>...}", "Show information on the specified "
       "instance(s)", infoOptions, 0, -1, info},
      {"modify", {}, "<instance>", "Alters the parameters of an instance", modifyOptions(), 1, 1,
       modify},
      {"grow-disk", {}, "<instance> <disk> <size>", "Grow an instance's disk", growOptions, 3, 3,
       growDisk},
      {"activate-disks", {}, "<instance>", "Activate an instance's disks", activateOptions, 1, 1,
       activateDisks},
      {"deactivate-disks", {}, "<instance>", "Deactivate an instance's disks", deactivateOptions,
       1, 1, deactivateDisks},
      {"reinstall", {}, "[-f] <instance>...", "Reinstall a stopped instance",
       withSelection(reinstallOptions), 0, -1, reinstall},
      {"rename", {}, "<instance> <new_name>", "Rename the instance", renameOptions, 2, 2,
       gantry::cli::instance::rename},
      {"console", {}, "<instance>", "Connects to the console of an instance",
       {{"", "--show-cmd", "show_command", false, "",
         "Show the command to connect instead of connecting", {}}},
       1, 1, console},
      {"reboot", {}, "<instance>...", "Reboots an instance", withSelection(rebootOptions), 0, -1,
       reboot},
      {"migrate", {}, "<instance>", "Migrates the instance to another node without shutting it down",
       migrateOptions, 1, 1, migrate},
      {"failover", {}, "<instance>", "Stops the instance, changes its primary node and (if it was "
       "originally running) starts it on the new node", failoverOptions, 1, 1, failover},
  };
  for (auto& command : tagCommands("instance")) commands.push_back(std::move(command));
  return runTool("gnt-instance", argc, argv, commands);
}
