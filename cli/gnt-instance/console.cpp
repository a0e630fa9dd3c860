// gnt-instance console: no job; asks the master (QueryInstances, as
// Ganeti's client does) how to reach the running instance, then shows a
// message, a VNC or SPICE address, or for a console reached by a command
// on the node attaches the terminal to it. Where the node's daemon can
// relay the instance's serial console, the bytes go through it (over the
// cluster's authenticated RPC, no login on the node needed); otherwise
// the command runs on the node over ssh, as Ganeti does. --show-cmd prints
// that ssh command line, as Ganeti prints it.
#include <sys/wait.h>
#include <unistd.h>

#include <iostream>

#include "cli/gnt-instance/commands.h"
#include "cli/gnt-instance/console_terminal.h"
#include "core/cluster/node_keys.h"
#include "core/luxi/errors.h"
#include "core/plugins/daemon_host.h"
#include "core/rpc/keys.h"
#include "core/util/process.h"

namespace gantry::cli::instance {
using core::luxi::Json;

namespace {

// The ssh command Ganeti's SshRunner.BuildCmd builds for a console:
// batch mode, strict host keys checked against the cluster's known_hosts
// under the cluster name, no escape character, a forced tty.
std::vector<std::string> sshCommand(const Json& console, const std::string& clusterName,
                                    bool ipv6) {
  std::vector<std::string> words;
  for (const auto& word : console.value("command", Json::array())) {
    words.push_back(word.get<std::string>());
  }
  const std::string dataDir = (std::filesystem::path(rootDir()) / "var/lib/gantry").string();
  std::vector<std::string> argv = {"ssh",
                                   "-oEscapeChar=none",
                                   "-oHashKnownHosts=no",
                                   "-oGlobalKnownHostsFile=" + dataDir + "/known_hosts",
                                   "-oUserKnownHostsFile=/dev/null",
                                   "-oCheckHostIp=no",
                                   "-oConnectTimeout=10",
                                   "-oHostKeyAlias=" + clusterName};
  if (const std::int64_t port = console.value("port", 0); port != 0) {
    argv.push_back("-oPort=" + std::to_string(port));
  }
  argv.insert(
      argv.end(),
      {"-oBatchMode=yes", "-oStrictHostKeyChecking=yes", ipv6 ? "-6" : "-4", "-t", "-t",
       console.value("user", "root") + "@" + console.value("host", ""), core::util::formatCommand(words)});
  return argv;
}

// Runs the ssh command with the operator's terminal, as Ganeti's client
// does when the node cannot relay the console itself.
int runInteractive(const std::vector<std::string>& argv, const std::string& instance) {
  const pid_t child = ::fork();
  if (child == 0) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  if (child < 0 || ::waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0) {
    throw core::luxi::opExecError("Connection to console of instance " + instance +
                                  " failed, please check cluster configuration");
  }
  return 0;
}

// The node the console is on, with what the RPC needs to reach it.
core::rpc::NodeTarget consoleNode(core::luxi::Client& client, const std::string& node,
                                  const std::filesystem::path& dataDir) {
  const Json rows =
      client.call("QueryNodes", Json::array({Json::array({node}), Json::array({"pip"}), false}));
  core::rpc::NodeTarget target;
  target.name = node;
  if (rows.is_array() && !rows.empty() && rows[0][0].is_string()) {
    target.address = rows[0][0].get<std::string>();
  }
  auto accepted = core::cluster::loadAcceptedNode(dataDir, node);
  if (!accepted || target.address.empty()) {
    throw core::luxi::opExecError("Cannot reach node " + node + " for the console: " +
                                  (accepted ? "no address known" : accepted.error().message));
  }
  target.port = accepted->port;
  target.serverKey = accepted->publicKey;
  return target;
}

}  // namespace

int console(const Invocation& inv) {
  const std::string name = inv.options.args.at(0);
  auto client = connectMaster();
  const Json rows = client.call(
      "QueryInstances",
      Json::array({Json::array({name}),
                   Json::array({"console", "oper_state", "pnode", "hypervisor"}), false}));
  if (!rows.is_array() || rows.empty()) {
    throw core::luxi::opPrereqError("Instance '" + name + "' does not exist", "unknown_entity");
  }
  const Json& data = rows[0][0];
  const bool running = rows[0][1].is_boolean() && rows[0][1].get<bool>();
  if (!data.is_object()) {
    throw core::luxi::opExecError(
        running ? "Console information for instance " + name + " is unavailable"
                : "Instance " + name + " is not running, can't get console");
  }
  const std::string kind = data.value("kind", "msg");
  if (kind == "msg") {
    std::cout << data.value("message", "") << "\n";
  } else if (kind == "vnc") {
    const std::string host = data.value("host", "");
    const std::string port = std::to_string(data.value("port", 0));
    std::cout << "Instance " << name << " has VNC listening on " << host << ":" << port
              << " (display " << data.value("display", 0) << "), URL <vnc://" << host << ":" << port
              << "/>\n";
  } else if (kind == "spice") {
    std::cout << "Instance " << name << " has SPICE listening on " << data.value("host", "") << ":"
              << data.value("port", 0) << "\n";
  } else if (kind == "ssh") {
    const Json values = client.call(
        "QueryConfigValues", Json::array({Json::array({"cluster_name", "primary_ip_family"})}));
    const std::string clusterName = values.is_array() && !values.empty() && values[0].is_string()
                                        ? values[0].get<std::string>()
                                        : "";
    const bool ipv6 = values.is_array() && values.size() > 1 && values[1] == 10;  // AF_INET6
    const auto ssh = sshCommand(data, clusterName, ipv6);
    if (inv.options.flag("show_command")) {
      std::cout << core::util::formatCommand(ssh) << "\n";
      return 0;
    }
    const auto paths = core::plugins::hostPathsForRoot(rootDir());
    auto keys = core::rpc::loadKeyPair(paths.dataDir, core::rpc::kClusterKeyName);
    if (!keys) {
      throw core::luxi::opExecError("Cannot read the cluster key (run this on the master): " +
                                    keys.error().message);
    }
    RelayedConsole target{name, rows[0][3].is_string() ? rows[0][3].get<std::string>() : "",
                          consoleNode(client, rows[0][2].get<std::string>(), paths.dataDir)};
    core::rpc::ClientOptions options;
    options.clientKeys = *keys;
    core::rpc::RpcClient rpc(options);
    switch (attachConsole(rpc, target)) {
      case ConsoleOutcome::kDetached:
        return 0;
      case ConsoleOutcome::kClosed:
        std::cerr << "\nThe console of instance " << name << " closed (the instance stopped)\n";
        return 0;
      case ConsoleOutcome::kUnsupported:
        return runInteractive(ssh, name);
    }
  } else {
    throw core::luxi::EncodedError("GenericError",
                                   Json::array({"Unknown console type '" + kind + "'"}));
  }
  return 0;
}

}  // namespace gantry::cli::instance
