// gnt-instance console: no job; asks the master (QueryInstances, as
// Ganeti's client does) how to reach the running instance, then shows a
// message, a VNC or SPICE address, or for a console reached by a command
// on the node attaches the terminal to it. Where the node's daemon can
// relay the instance's serial console, the bytes go through it (over the
// cluster's authenticated RPC, no login on the node needed, by
// gantry-console-relay); otherwise the command runs on the node over ssh,
// as Ganeti does. --show-cmd prints that ssh command line, as Ganeti
// prints it.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <iostream>

#include "cli/common/daemon_control.h"
#include "cli/console-relay/relay_contract.h"
#include "cli/gnt-instance/commands.h"
#include "core/luxi/errors.h"
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

// Runs `argv` with the operator's terminal and waits for it. Meanwhile
// this process ignores the terminal's interrupt keys (the child has the
// terminal, as system() does it) and passes a SIGTERM or SIGHUP on, so
// the child can put the terminal back before it goes.
int runWithTerminal(const std::vector<std::string>& argv) {
  static volatile sig_atomic_t child = 0;
  constexpr std::array kForwarded = {SIGTERM, SIGHUP};
  constexpr std::array kIgnored = {SIGINT, SIGQUIT};
  struct sigaction forward {}, ignore {};
  forward.sa_handler = [](int signo) {
    if (child > 0) ::kill(static_cast<pid_t>(child), signo);
  };
  ignore.sa_handler = SIG_IGN;
  std::array<struct sigaction, kForwarded.size() + kIgnored.size()> saved{};
  for (std::size_t i = 0; i < kForwarded.size(); ++i) ::sigaction(kForwarded[i], &forward, &saved[i]);
  for (std::size_t i = 0; i < kIgnored.size(); ++i) {
    ::sigaction(kIgnored[i], &ignore, &saved[kForwarded.size() + i]);
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    for (std::size_t i = 0; i < saved.size(); ++i) {
      ::sigaction(i < kForwarded.size() ? kForwarded[i] : kIgnored[i - kForwarded.size()],
                  &saved[i], nullptr);
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  child = pid;
  int status = 0;
  pid_t waited = -1;
  if (pid > 0) {
    do {
      waited = ::waitpid(pid, &status, 0);
    } while (waited < 0 && errno == EINTR);
  }
  child = 0;
  for (std::size_t i = 0; i < saved.size(); ++i) {
    ::sigaction(i < kForwarded.size() ? kForwarded[i] : kIgnored[i - kForwarded.size()],
                &saved[i], nullptr);
  }
  if (pid < 0 || waited != pid) return 127;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

// The ssh command with the operator's terminal, as Ganeti's client runs it
// when the node cannot relay the console itself.
int runInteractive(const std::vector<std::string>& argv, const std::string& instance) {
  if (runWithTerminal(argv) != 0) {
    throw core::luxi::opExecError("Connection to console of instance " + instance +
                                  " failed, please check cluster configuration");
  }
  return 0;
}

// The node's primary address, where its daemon listens.
std::string nodeAddress(core::luxi::Client& client, const std::string& node) {
  const Json rows =
      client.call("QueryNodes", Json::array({Json::array({node}), Json::array({"pip"}), false}));
  if (rows.is_array() && !rows.empty() && rows[0][0].is_string() &&
      !rows[0][0].get<std::string>().empty()) {
    return rows[0][0].get<std::string>();
  }
  throw core::luxi::opExecError("Cannot reach node " + node +
                                " for the console: no address known");
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
    const std::string node = rows[0][2].get<std::string>();
    const int relayed = runWithTerminal(
        {siblingBinary(console_relay::kRelayBinary).string(), name,
         rows[0][3].is_string() ? rows[0][3].get<std::string>() : "", node,
         nodeAddress(client, node)});
    if (relayed == console_relay::kRelayUnsupportedExit) return runInteractive(ssh, name);
    return relayed;
  } else {
    throw core::luxi::EncodedError("GenericError",
                                   Json::array({"Unknown console type '" + kind + "'"}));
  }
  return 0;
}

}  // namespace gantry::cli::instance
