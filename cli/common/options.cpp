#include "cli/common/options.h"

#include <algorithm>
#include <iomanip>

namespace gantry::cli {

std::optional<std::string> ParsedOptions::value(const std::string& dest) const {
  auto it = values.find(dest);
  if (it == values.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> ParsedOptions::all(const std::string& dest) const {
  auto it = values.find(dest);
  return it == values.end() ? std::vector<std::string>{} : it->second;
}

std::vector<OptionSpec> commonOptions() {
  return {
      {"-d", "--debug", "debug", false, "", "Turn on debug output", {}},
      {"", "--reason", "reason", true, "REASON", "The reason for executing the command", {}},
      {"-h", "--help", "help", false, "", "show this help message and exit", {}},
  };
}

namespace {

const OptionSpec* findLong(const std::vector<OptionSpec>& specs,
                           const std::string& name) {
  for (const auto& s : specs) {
    if (!s.longName.empty() && s.longName == name) return &s;
  }
  // optparse accepts any unambiguous prefix of a long option.
  const OptionSpec* match = nullptr;
  for (const auto& s : specs) {
    if (!s.longName.empty() && s.longName.rfind(name, 0) == 0) {
      if (match != nullptr) {
        throw UsageError{"ambiguous option: " + name};
      }
      match = &s;
    }
  }
  return match;
}

const OptionSpec* findShort(const std::vector<OptionSpec>& specs, char c) {
  for (const auto& s : specs) {
    if (s.shortName.size() == 2 && s.shortName[1] == c) return &s;
  }
  return nullptr;
}

void store(ParsedOptions& out, const OptionSpec& spec, const std::string& shown,
           std::optional<std::string> value) {
  if (spec.takesValue && value && !spec.choices.empty() &&
      std::find(spec.choices.begin(), spec.choices.end(), *value) ==
          spec.choices.end()) {
    std::string choices;
    for (const auto& c : spec.choices) {
      choices += (choices.empty() ? "'" : ", '") + c + "'";
    }
    throw UsageError{"option " + shown + ": invalid choice: '" + *value +
                     "' (choose from " + choices + ")"};
  }
  out.values[spec.dest].push_back(value.value_or(""));
}

}  // namespace

ParsedOptions parseOptions(const std::vector<std::string>& argv,
                           const std::vector<OptionSpec>& specs) {
  ParsedOptions out;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg == "--") {
      out.args.insert(out.args.end(), argv.begin() + static_cast<long>(i) + 1,
                      argv.end());
      break;
    }
    if (arg.size() > 2 && arg.rfind("--", 0) == 0) {
      auto eq = arg.find('=');
      std::string name = arg.substr(0, eq);
      const OptionSpec* spec = findLong(specs, name);
      if (spec == nullptr) throw UsageError{"no such option: " + name};
      if (spec->takesValue) {
        if (eq != std::string::npos) {
          store(out, *spec, spec->longName, arg.substr(eq + 1));
        } else if (i + 1 < argv.size()) {
          store(out, *spec, spec->longName, argv[++i]);
        } else {
          throw UsageError{spec->longName + " option requires an argument"};
        }
      } else {
        if (eq != std::string::npos) {
          throw UsageError{spec->longName + " option does not take a value"};
        }
        store(out, *spec, spec->longName, std::nullopt);
      }
      continue;
    }
    if (arg.size() > 1 && arg[0] == '-' && arg != "-") {
      // Clustered short flags: -fv, or -n node / -nnode.
      for (std::size_t j = 1; j < arg.size(); ++j) {
        const OptionSpec* spec = findShort(specs, arg[j]);
        if (spec == nullptr) {
          throw UsageError{std::string("no such option: -") + arg[j]};
        }
        const std::string shown = std::string("-") + arg[j];
        if (spec->takesValue) {
          if (j + 1 < arg.size()) {
            store(out, *spec, shown, arg.substr(j + 1));
          } else if (i + 1 < argv.size()) {
            store(out, *spec, shown, argv[++i]);
          } else {
            throw UsageError{shown + " option requires an argument"};
          }
          break;
        }
        store(out, *spec, shown, std::nullopt);
      }
      continue;
    }
    out.args.push_back(arg);
  }
  return out;
}

void printOptionHelp(std::ostream& out, const std::vector<OptionSpec>& specs) {
  for (const auto& s : specs) {
    std::string names;
    if (!s.shortName.empty()) names += s.shortName;
    if (!s.longName.empty()) {
      if (!names.empty()) names += ", ";
      names += s.longName;
      if (s.takesValue) names += "=" + (s.metavar.empty() ? std::string("VALUE") : s.metavar);
    } else if (s.takesValue) {
      names += " " + (s.metavar.empty() ? std::string("VALUE") : s.metavar);
    }
    out << "  " << std::left << std::setw(26) << names;
    if (names.size() >= 26) out << "\n  " << std::string(26, ' ');
    out << s.help << "\n";
  }
}

}  // namespace gantry::cli
