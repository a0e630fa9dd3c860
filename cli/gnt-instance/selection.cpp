#include "cli/gnt-instance/selection.h"

#include <algorithm>
#include <iostream>
#include <set>

#include "cli/common/confirm.h"
#include "cli/common/job_executor.h"
#include "core/luxi/errors.h"

namespace gantry::cli::instance {
using core::luxi::Json;

namespace {

[[noreturn]] void refuse(const std::string& message) {
  throw core::luxi::opPrereqError(message, "wrong_input");
}

// The query rows' values (each row is [[status, value], ...]).
std::vector<Json> column(const Json& result, std::size_t index) {
  std::vector<Json> out;
  for (const auto& row : result.at("data")) out.push_back(row.at(index).at(1));
  return out;
}

Json nameFilter(const std::vector<std::string>& names) {
  if (names.empty()) return nullptr;
  Json filter = Json::array({"|"});
  for (const auto& name : names) filter.push_back(Json::array({"=", "name", name}));
  return filter;
}

bool sharesTag(const Json& tags, const std::vector<std::string>& wanted) {
  if (!tags.is_array()) return false;
  return std::any_of(tags.begin(), tags.end(), [&](const Json& tag) {
    return std::find(wanted.begin(), wanted.end(), tag.get<std::string>()) != wanted.end();
  });
}

// --node, --primary, --secondary and the node-tag modes.
std::vector<std::string> byNodes(core::luxi::Client& client, const std::string& mode,
                                 const std::vector<std::string>& args) {
  const bool byTags = mode.find("tags") != std::string::npos;
  if (args.empty()) refuse(byTags ? "No node tags passed" : "No node names passed");
  const Json result = client.query("node", {"name", "pinst_list", "sinst_list", "tags"},
                                   byTags ? Json(nullptr) : nameFilter(args));
  const auto names = column(result, 0);
  if (!byTags) {
    for (const auto& wanted : args) {
      if (std::find(names.begin(), names.end(), Json(wanted)) == names.end()) {
        throw core::luxi::opPrereqError("Node '" + wanted + "' not known", "unknown_entity");
      }
    }
  }
  const auto primaries = column(result, 1), secondaries = column(result, 2);
  const auto tags = column(result, 3);
  const bool withPrimary = mode == "node" || mode == "primary" || mode == "node-tags" ||
                           mode == "pri-node-tags";
  const bool withSecondary = mode == "node" || mode == "secondary" || mode == "node-tags" ||
                             mode == "sec-node-tags";
  std::vector<std::string> out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (byTags && !sharesTag(tags[i], args)) continue;
    if (withPrimary) {
      for (const auto& n : primaries[i]) out.push_back(n.get<std::string>());
    }
    if (withSecondary) {
      for (const auto& n : secondaries[i]) out.push_back(n.get<std::string>());
    }
  }
  return out;
}

std::string selectedMode(const ParsedOptions& o) {
  for (const char* mode : {"node", "primary", "secondary", "all", "tags", "node-tags",
                           "pri-node-tags", "sec-node-tags"}) {
    if (o.flag(std::string("select-") + mode)) return mode;
  }
  return "instance";
}

}  // namespace

std::vector<OptionSpec> selectionOptions() {
  auto mode = [](const char* flag, const char* help) {
    return OptionSpec{"", std::string("--") + flag, std::string("select-") + flag, false, "",
                      help, {}};
  };
  return {mode("instance", "Filter by instance name [default]"),
          mode("node", "Filter by nodes (primary and secondary)"),
          mode("primary", "Filter by nodes (primary only)"),
          mode("secondary", "Filter by nodes (secondary only)"),
          mode("all", "Select all instances in the cluster"),
          mode("tags", "Filter by instance tag"),
          mode("node-tags", "Filter by node tag"),
          mode("pri-node-tags", "Filter by primary node tag"),
          mode("sec-node-tags", "Filter by secondary node tag"),
          {"", "--force-multiple", "force_multiple", false, "",
           "Do not ask for confirmation when more than one instance is affected", {}}};
}

std::vector<std::string> selectInstances(core::luxi::Client& client, const Invocation& inv) {
  const auto& args = inv.options.args;
  const std::string mode = selectedMode(inv.options);
  std::vector<std::string> names;
  if (mode == "all") {
    if (!args.empty()) refuse("Cluster filter mode takes no arguments");
    for (const auto& n : column(client.query("instance", {"name"}, nullptr), 0)) {
      names.push_back(n.get<std::string>());
    }
  } else if (mode == "instance") {
    if (args.empty()) refuse("No instance names passed");
    const auto found = column(client.query("instance", {"name"}, nameFilter(args)), 0);
    for (const auto& wanted : args) {
      if (std::find(found.begin(), found.end(), Json(wanted)) == found.end()) {
        throw core::luxi::opPrereqError("Instance '" + wanted + "' not known", "unknown_entity");
      }
      names.push_back(wanted);
    }
  } else if (mode == "tags") {
    if (args.empty()) refuse("No instance tags passed");
    const Json result = client.query("instance", {"name", "tags"}, nullptr);
    const auto all = column(result, 0), tags = column(result, 1);
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (sharesTag(tags[i], args)) names.push_back(all[i].get<std::string>());
    }
  } else {
    names = byNodes(client, mode, args);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

bool confirmOperation(const std::vector<std::string>& names, const std::string& listType,
                      const std::string& operation, const std::string& extra) {
  const std::string message = "The " + operation + " will operate on " +
                              std::to_string(names.size()) + " " + listType + ".\n" + extra +
                              "Do you want to continue?";
  std::string affected = "\nAffected " + listType + ":";
  for (const auto& name : names) affected += "\n  " + name;
  std::vector<Choice> choices = {{"y", "Yes, execute the " + operation},
                                 {"n", "No, abort the " + operation}};
  if (names.size() > 20) {
    choices.insert(choices.begin() + 1, {"v", "View the list of affected " + listType});
    const std::string answer = askUser(message, choices);
    if (answer != "v") return answer == "y";
    choices.erase(choices.begin() + 1);
  }
  return askUser(message + affected, choices) == "y";
}

int forEachSelectedInstance(const Invocation& inv, const std::string& operation,
                            const std::function<Json(const std::string&)>& opcodeFor) {
  const auto& o = inv.options;
  auto client = connectMaster();
  const std::vector<std::string> names = selectInstances(client, inv);
  const std::string mode = selectedMode(o);
  if (names.empty()) {
    if (mode == "all") {
      std::cout << "Cluster is empty, no instances to shutdown\n";
      return 0;
    }
    refuse("Selection filter does not match any instances");
  }
  const bool many = isMultiSelection(inv, names);
  if (many && !o.flag("force_multiple") && !confirmOperation(names, "instances", operation)) {
    return 1;
  }
  return runInstanceJobs(client, inv, names, opcodeFor);
}

bool isMultiSelection(const Invocation& inv, const std::vector<std::string>& names) {
  return selectedMode(inv.options) != "instance" || names.size() > 1;
}

int runInstanceJobs(core::luxi::Client& client, const Invocation& inv,
                    const std::vector<std::string>& names,
                    const std::function<Json(const std::string&)>& opcodeFor) {
  const auto& o = inv.options;
  if (!isMultiSelection(inv, names)) {
    submitAndWait(client, Json::array({opcodeFor(names[0])}), inv, std::cout);
    return 0;
  }
  // Ganeti's JobExecutor: every job submitted at once, then each waited for.
  Json jobs = Json::array();
  for (const auto& name : names) {
    Json opcodes = Json::array({opcodeFor(name)});
    decorateOpcodes(opcodes, inv);
    jobs.push_back(opcodes);
  }
  const Json submitted = client.submitManyJobs(jobs);
  if (o.flag("submit")) {
    bool allSubmitted = true;
    for (std::size_t i = 0; i < names.size(); ++i) {
      const Json& job = submitted.at(i);
      if (job.at(0).get<bool>()) {
        std::cout << submittedJobIds(Json::array({job})).at(0) << ": " << names[i] << "\n";
      } else {
        std::cerr << "Failed to submit job for " << names[i] << ": " << job.at(1).dump() << "\n";
        allSubmitted = false;
      }
    }
    return allSubmitted ? 0 : 1;
  }
  return waitForSubmittedJobs(client, submitted, names, std::cout) == 0 ? 0 : 1;
}

}  // namespace gantry::cli::instance
