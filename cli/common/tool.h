// The frame of every gnt-* tool: `gnt-<object> <command> [options] [args]`,
// with Ganeti's usage texts, argument-count errors and exit codes.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cli/common/master_client.h"
#include "cli/common/options.h"

namespace gantry::cli {

struct Command {
  std::string name;
  std::vector<std::string> aliases;
  std::string synopsis;     // "[--submit] DURATION"
  std::string description;  // one line
  std::vector<OptionSpec> options;  // common options are added
  int minArgs = 0;
  int maxArgs = 0;  // -1: unlimited
  std::function<int(const Invocation&)> run;
};

/// Dispatches argv to a command; returns the process exit code.
int runTool(const std::string& binary, int argc, char** argv,
            const std::vector<Command>& commands);

}  // namespace gantry::cli
