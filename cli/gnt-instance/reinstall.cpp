// gnt-instance reinstall: Ganeti's ReinstallInstance. The OS may be chosen
// from a numbered list (--select-os); one instance asks its own question,
// several the ConfirmOperation one; one job per instance.
#include <iostream>

#include "cli/common/confirm.h"
#include "cli/gnt-instance/commands.h"
#include "cli/gnt-instance/instance_options.h"
#include "cli/gnt-instance/selection.h"

namespace gantry::cli::instance {
using core::luxi::Json;

namespace {

// "name" or, for an OS with variants, "name+variant" for each variant.
std::vector<std::string> osChoices(core::luxi::Client& client, const Invocation& inv) {
  Json op = {{"OP_ID", "OP_OS_DIAGNOSE"},
             {"output_fields", Json::array({"name", "variants"})},
             {"names", Json::array()}};
  Invocation quiet = inv;
  quiet.options.values.erase("submit");
  const Json results = submitAndWait(client, Json::array({op}), quiet, std::cout);
  std::vector<std::string> out;
  for (const auto& row : results.at(0)) {
    const std::string name = row.at(0).get<std::string>();
    if (row.at(1).empty()) {
      out.push_back(name);
      continue;
    }
    for (const auto& variant : row.at(1)) out.push_back(name + "+" + variant.get<std::string>());
  }
  return out;
}

}  // namespace

int reinstall(const Invocation& inv) {
  const auto& o = inv.options;
  auto client = connectMaster();
  const std::vector<std::string> names = selectInstances(client, inv);
  if (names.empty()) refuse("Selection filter does not match any instances");

  std::optional<std::string> os = o.value("os");
  if (o.flag("select_os")) {
    const auto choices = osChoices(client, inv);
    if (choices.empty()) {
      std::cout << "Can't get the OS list\n";
      return 1;
    }
    std::cout << "Available OS templates:\n";
    std::vector<Choice> answers;
    for (std::size_t i = 0; i < choices.size(); ++i) {
      std::string number = std::to_string(i);
      if (number.size() < 3) number.insert(0, 3 - number.size(), ' ');  // Python's "%3s"
      std::cout << number << ": " << choices[i] << "\n";
      answers.push_back({std::to_string(i), choices[i]});
    }
    answers.push_back({"x", "Exit gnt-instance reinstall"});
    std::cout << std::flush;
    const std::string answer = askUser("Enter OS template number (or x to abort):", answers);
    if (answer == "x") {
      std::cerr << "User aborted reinstall, exiting\n";
      return 1;
    }
    os = choices.at(std::stoul(answer));
  }
  const std::string osMessage = os ? "change the OS to '" + *os + "'" : "keep the same OS";

  if (isMultiSelection(inv, names)) {
    const std::string warning =
        "Note: this will remove *all* data for the below instances! It will " + osMessage +
        ".\n";
    if (!o.flag("force_multiple") && !confirmOperation(names, "instances", "reinstall", warning)) {
      return 1;
    }
  } else if (!o.flag("force") && !o.flag("force_multiple") &&
             !askYesNo("This will reinstall the instance '" + names[0] + "' (and " + osMessage +
                       ") which removes all data. Continue?")) {
    return 1;
  }
  const Json params = osparams(o);
  return runInstanceJobs(client, inv, names, [&](const std::string& name) {
    Json op = {{"OP_ID", "OP_INSTANCE_REINSTALL"},
               {"instance_name", name},
               {"force_variant", o.flag("force_variant")}};
    if (os) op["os_type"] = *os;
    if (!params.empty()) op["osparams"] = params;
    return op;
  });
}

}  // namespace gantry::cli::instance
