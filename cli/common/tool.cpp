#include "cli/common/tool.h"

#include <iostream>

namespace gantry::cli {
namespace {

void printToolUsage(std::ostream& out, const std::string& binary,
                    const std::vector<Command>& commands) {
  out << "Usage: " << binary << " {command} [options...] [argument...]\n"
      << binary << " <command> --help to see details, or man " << binary << "\n\n"
      << "Commands:\n";
  for (const auto& c : commands) {
    out << "  " << c.name;
    if (c.name.size() < 16) out << std::string(16 - c.name.size(), ' ');
    else out << " ";
    out << c.description << "\n";
  }
}

void printCommandUsage(std::ostream& out, const std::string& binary, const Command& c) {
  out << "Usage\n=====\n  " << binary << " " << c.name << " " << c.synopsis << "\n\n"
      << c.description << "\n\nOptions\n=======\n";
  auto specs = c.options;
  for (const auto& s : commonOptions()) specs.push_back(s);
  printOptionHelp(out, specs);
}

std::string countError(const Command& c) {
  const std::string prefix = "Error: Command " + c.name + " expects ";
  if (c.maxArgs == 0) return "Error: Command " + c.name + " expects no arguments";
  if (c.minArgs == c.maxArgs) return prefix + std::to_string(c.minArgs) + " argument(s)";
  if (c.maxArgs < 0) return prefix + "at least " + std::to_string(c.minArgs) + " argument(s)";
  return prefix + "only " + std::to_string(c.maxArgs) + " argument(s)";
}

}  // namespace

int runTool(const std::string& binary, int argc, char** argv,
            const std::vector<Command>& commands) {
  if (argc < 2) {
    printToolUsage(std::cout, binary, commands);
    return 1;
  }
  const std::string word = argv[1];
  if (word == "--help" || word == "-h") {
    printToolUsage(std::cout, binary, commands);
    return 0;
  }
  const Command* command = nullptr;
  for (const auto& c : commands) {
    if (c.name == word) command = &c;
    for (const auto& a : c.aliases) {
      if (a == word) command = &c;
    }
  }
  if (command == nullptr) {
    printToolUsage(std::cout, binary, commands);
    return 1;
  }
  std::vector<std::string> args(argv + 2, argv + argc);
  auto specs = command->options;
  for (const auto& s : commonOptions()) specs.push_back(s);
  Invocation inv{binary, command->name, {}};
  try {
    inv.options = parseOptions(args, specs);
  } catch (const UsageError& e) {
    printCommandUsage(std::cerr, binary, *command);
    std::cerr << "\n" << binary << ": error: " << e.message << "\n";
    return 2;
  }
  if (inv.options.flag("help")) {
    printCommandUsage(std::cout, binary, *command);
    return 0;
  }
  const int n = static_cast<int>(inv.options.args.size());
  if (n < command->minArgs || (command->maxArgs >= 0 && n > command->maxArgs)) {
    std::cerr << countError(*command) << "\n";
    return 1;
  }
  return runCommand([&] { return command->run(inv); });
}

}  // namespace gantry::cli
