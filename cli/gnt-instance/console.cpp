// gnt-instance console: no job; asks the master (QueryInstances, as
// Ganeti's client does) how to reach the running instance and prints or
// shows it: a message, a VNC or SPICE address, or the ssh command.
#include <iostream>

#include "cli/gnt-instance/commands.h"
#include "core/luxi/errors.h"

namespace gantry::cli::instance {
using core::luxi::Json;

namespace {

// The argv as one line a shell reads back into the same words.
std::string shellQuoted(const Json& argv) {
  std::string out;
  for (const auto& arg : argv) {
    std::string word = arg.get<std::string>();
    const bool plain = !word.empty() && word.find_first_not_of(
                                            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789@%_-+=:,./") == std::string::npos;
    if (!plain) {
      std::string quoted = "'";
      for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
      word = quoted + "'";
    }
    out += (out.empty() ? "" : " ") + word;
  }
  return out;
}

}  // namespace

int console(const Invocation& inv) {
  const std::string name = inv.options.args.at(0);
  auto client = connectMaster();
  const Json rows = client.call("QueryInstances", Json::array({Json::array({name}),
                                                               Json::array({"console", "oper_state"}),
                                                               false}));
  if (!rows.is_array() || rows.empty()) {
    throw core::luxi::opPrereqError("Instance '" + name + "' does not exist", "unknown_entity");
  }
  const Json& data = rows[0][0];
  const bool running = rows[0][1].is_boolean() && rows[0][1].get<bool>();
  if (!data.is_object()) {
    throw core::luxi::opExecError(running ? "Console information for instance " + name +
                                                " is unavailable"
                                          : "Instance " + name +
                                                " is not running, can't get console");
  }
  const std::string kind = data.value("kind", "msg");
  if (kind == "msg") {
    std::cout << data.value("message", "") << "\n";
  } else if (kind == "vnc") {
    const std::string host = data.value("host", "");
    const std::string port = std::to_string(data.value("port", 0));
    std::cout << "Instance " << name << " has VNC listening on " << host << ":" << port
              << " (display " << data.value("display", 0) << "), URL <vnc://" << host << ":"
              << port << "/>\n";
  } else if (kind == "spice") {
    std::cout << "Instance " << name << " has SPICE listening on " << data.value("host", "")
              << ":" << data.value("port", 0) << "\n";
  } else if (kind == "ssh") {
    // Running the command for the operator waits for the hypervisor issue.
    std::cout << shellQuoted(data.value("command", Json::array())) << "\n";
  } else {
    std::cout << "Instance " << name << " has its serial console on " << data.value("socket", "")
              << "\n";
  }
  return 0;
}

}  // namespace gantry::cli::instance
