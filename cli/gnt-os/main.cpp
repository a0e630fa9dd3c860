// gnt-os: list, info and diagnose the OS definitions of the cluster. Each
// submits an OP_OS_DIAGNOSE job, as Ganeti's gnt-os does, and prints its
// rows the way Ganeti's client prints them.
#include <algorithm>
#include <iostream>
#include <map>
#include <sstream>

#include "cli/common/table.h"
#include "cli/common/tool.h"
#include "cli/gnt-os/modify.h"
#include "core/query/engine.h"

namespace gantry::cli {
namespace {
using core::luxi::Json;

// The rows of an OP_OS_DIAGNOSE job asking for `fields`.
Json diagnose(const Invocation& inv, const std::vector<std::string>& fields) {
  Json op = {{"OP_ID", "OP_OS_DIAGNOSE"}, {"output_fields", fields}, {"names", Json::array()}};
  auto client = connectMaster();
  std::ostringstream log;
  Json results = submitAndWait(client, Json::array({op}), inv, log);
  std::cout << log.str();
  return results.is_array() && !results.empty() ? results[0] : Json();
}

std::string pythonBool(const Json& value) { return value.get<bool>() ? "True" : "False"; }

std::string commaJoin(const Json& list) {
  std::string out;
  for (const auto& item : list) {
    out += (out.empty() ? "" : ", ") + (item.is_string() ? item.get<std::string>() : item.dump());
  }
  return out;
}

int list(const Invocation& inv) {
  const Json rows = diagnose(inv, {"name", "variants"});
  std::vector<std::vector<std::string>> names;
  for (const auto& row : rows) {
    const std::string name = row[0].get<std::string>();
    if (row[1].empty()) {
      names.push_back({name});
    } else {
      for (const auto& variant : row[1]) names.push_back({name + "+" + variant.get<std::string>()});
    }
  }
  TableOptions options;
  options.headers = !inv.options.flag("no_headers");
  options.padLastHeader = true;  // Ganeti's GenerateTable
  for (const auto& line : formatTable({{"Name"}}, names, options)) std::cout << line << "\n";
  return 0;
}

int info(const Invocation& inv) {
  const Json rows = diagnose(inv, {"name", "valid", "variants", "parameters", "api_versions",
                                   "blacklisted", "hidden", "os_hvp", "osparams", "trusted"});
  std::vector<std::string> wanted = inv.options.args;
  for (const auto& row : rows) {
    const std::string name = row[0].get<std::string>();
    if (!inv.options.args.empty()) {
      auto it = std::find(wanted.begin(), wanted.end(), name);
      if (it == wanted.end()) continue;
      wanted.erase(it);
    }
    std::cout << name << ":\n";
    std::cout << "  - valid: " << pythonBool(row[1]) << "\n";
    std::cout << "  - hidden: " << pythonBool(row[6]) << "\n";
    std::cout << "  - blacklisted: " << pythonBool(row[5]) << "\n";
    if (row[1].get<bool>()) {
      std::cout << "  - API versions:\n";
      for (const auto& version : row[4]) std::cout << "    - " << version.get<int>() << "\n";
      std::cout << "  - variants:\n";
      for (const auto& variant : row[2]) std::cout << "    - " << variant.get<std::string>() << "\n";
      std::cout << "  - parameters:\n";
      for (const auto& param : row[3]) {
        std::cout << "    - " << param[0].get<std::string>() << ": "
                  << param[1].get<std::string>() << "\n";
      }
    }
    std::cout << "  - trusted: " << pythonBool(row[9]) << "\n\n";
  }
  // Names the cluster does not know are still listed, empty.
  for (const auto& name : wanted) std::cout << name << ": \n\n";
  return 0;
}

std::string osStatus(bool valid, const std::string& why) {
  return valid ? "valid" : "invalid - " + why;
}

int diagnoseCommand(const Invocation& inv) {
  const Json rows =
      diagnose(inv, {"name", "valid", "variants", "node_status", "hidden", "blacklisted"});
  bool bad = false;
  for (const auto& row : rows) {
    std::map<std::string, std::string> valid, invalid;
    std::map<std::string, std::vector<std::string>> hidden;
    for (const auto& [node, entries] : row[3].items()) {
      if (entries.empty()) {
        invalid[node] = "OS not found";
        continue;
      }
      const Json& first = entries[0];  // [path, status, diagnose, variants, params, api, trusted]
      const bool ok = first[1].get<bool>();
      std::string msg = osStatus(ok, first[2].get<std::string>()) +
                        " (path: " + first[0].get<std::string>() + ")";
      int maxApi = 0;
      if (!first[5].empty()) {
        for (const auto& v : first[5]) maxApi = std::max(maxApi, v.get<int>());
        msg += " [API versions: " + commaJoin(first[5]) + "]";
      } else {
        msg += " [no API versions declared]";
      }
      if (maxApi >= 15) {
        msg += first[3].empty() ? " [no variants]" : " [variants: " + commaJoin(first[3]) + "]";
      }
      if (maxApi >= 20) {
        Json names = Json::array();
        for (const auto& p : first[4]) names.push_back(p[0]);
        msg += names.empty() ? " [no parameters]" : " [parameters: " + commaJoin(names) + "]";
      }
      msg += first[6].get<bool>() ? " [trusted]" : " [untrusted]";
      (ok ? valid : invalid)[node] = msg;
      for (std::size_t i = 1; i < entries.size(); ++i) {
        hidden[node].push_back("    [hidden] path: " + entries[i][0].get<std::string>() +
                               ", status: " +
                               osStatus(entries[i][1].get<bool>(), entries[i][2].get<std::string>()));
      }
    }
    std::string status = "partial valid";
    if (!valid.empty() && invalid.empty()) {
      status = "valid";
    } else if (valid.empty() && !invalid.empty()) {
      status = "invalid";
    }
    if (status != "valid") bad = true;
    std::cout << "OS: " << row[0].get<std::string>() << " [global status: " << status << "]"
              << (row[4].get<bool>() ? " [hidden]" : "")
              << (row[5].get<bool>() ? " [blacklisted]" : "") << "\n";
    if (!row[2].empty()) std::cout << "  Variants: [" << commaJoin(row[2]) << "]\n";
    for (const auto* group : {&valid, &invalid}) {
      std::vector<std::string> nodes;
      for (const auto& [node, ignored] : *group) nodes.push_back(node);
      std::sort(nodes.begin(), nodes.end(), [](const std::string& a, const std::string& b) {
        return core::query::naturalLess(a, b);
      });
      for (const auto& node : nodes) {
        std::cout << "  Node: " << node << ", status: " << group->at(node) << "\n";
        for (const auto& line : hidden[node]) std::cout << line << "\n";
      }
    }
    std::cout << "\n";
  }
  return bad ? 1 : 0;
}

}  // namespace
}  // namespace gantry::cli

int main(int argc, char** argv) {
  using namespace gantry::cli;
  const OptionSpec priority = {"", "--priority", "priority", true, "PRIORITY",
                               "Priority for opcode processing", {"low", "normal", "high"}};
  const OptionSpec noHeaders = {"", "--no-headers", "no_headers", false, "",
                                "Don't display column headers", {}};
  std::vector<Command> commands = {
      {"list", {}, "", "Lists all valid operating systems on the cluster", {noHeaders, priority},
       0, 0, list},
      {"diagnose", {}, "", "Diagnose all operating systems", {priority}, 0, 0, diagnoseCommand},
      {"info", {"show"}, "[OS...]", "Show detailed information about operating systems",
       {priority}, 0, -1, info},
      {"modify", {}, "<os>", "Modify the OS parameters", modifyOsOptions(), 1, 1, modifyOs},
  };
  return runTool("gnt-os", argc, argv, commands);
}
