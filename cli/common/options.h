// Command-line parsing for the gnt-* tools, in the manner of Python's
// optparse as Ganeti uses it: `gnt-<object> <command> [options] [args]`,
// short and long options, `--opt=value`, repeatable options, and optparse's
// error texts and exit code 2.
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace gantry::cli {

struct OptionSpec {
  std::string shortName;  // "-f" or empty
  std::string longName;   // "--force" or empty
  std::string dest;       // key in ParsedOptions ("force")
  bool takesValue = false;
  std::string metavar;    // "NODE"
  std::string help;
  std::vector<std::string> choices;  // empty: any value
};

struct ParsedOptions {
  std::map<std::string, std::vector<std::string>> values;  // dest -> values
  std::vector<std::string> args;                           // positional

  bool flag(const std::string& dest) const { return values.count(dest) != 0; }
  /// The last value given for `dest`, if any.
  std::optional<std::string> value(const std::string& dest) const;
  /// Every value given for a repeatable option.
  std::vector<std::string> all(const std::string& dest) const;
};

/// Raised for an unknown option or a bad value; exit code 2.
struct UsageError {
  std::string message;  // "no such option: --x"
};

/// Options every command accepts (-d/--debug, --reason, -h/--help).
std::vector<OptionSpec> commonOptions();

/// Parses argv (after the command word). Throws UsageError.
ParsedOptions parseOptions(const std::vector<std::string>& argv,
                           const std::vector<OptionSpec>& specs);

/// The help text of a command's options, one per line.
void printOptionHelp(std::ostream& out, const std::vector<OptionSpec>& specs);

}  // namespace gantry::cli
