#include "cli/gnt-os/modify.h"

#include <iostream>

#include "cli/common/key_values.h"
#include "core/luxi/errors.h"

namespace gantry::cli {
using core::luxi::Json;

namespace {

std::optional<bool> yesNo(const ParsedOptions& o, const char* dest) {
  auto text = o.value(dest);
  if (!text) return std::nullopt;
  try {
    return parseYesNo(*text);
  } catch (const std::exception&) {
    throw core::luxi::opPrereqError("Invalid value '" + *text + "' for --" + dest +
                                        " (yes or no)",
                                    "wrong_input");
  }
}

}  // namespace

std::vector<OptionSpec> modifyOsOptions() {
  auto options = submitOptions();
  options.insert(options.end(),
                 {{"-H", "--hypervisor-parameters", "hypervisor", true, "HYPERVISOR",
                   "Hypervisor and hypervisor options, in the format hypervisor:option=value",
                   {}},
                  {"-O", "--os-parameters", "osparams", true, "<key>=<val>", "OS parameters", {}},
                  {"", "--os-parameters-private", "osparams_private", true, "<key>=<val>",
                   "Private OS parameters", {}},
                  {"", "--hidden", "hidden", true, "yes|no", "Sets the hidden flag", {}},
                  {"", "--blacklisted", "blacklisted", true, "yes|no",
                   "Sets the blacklisted flag", {}}});
  return options;
}

int modifyOs(const Invocation& inv) {
  const auto& o = inv.options;
  const std::string os = o.args.at(0);
  Json op = {{"OP_ID", "OP_CLUSTER_SET_PARAMS"}};
  bool anything = false;
  if (auto hv = o.value("hypervisor")) {
    auto [name, params] = parseGroupedKeyValues(*hv, nlohmann::json::object());
    op["os_hvp"] = {{os, {{name, Json(params)}}}};
    anything = true;
  }
  auto collect = [&](const char* dest) {
    Json params = Json::object();
    for (const auto& text : o.all(dest)) {
      const auto parsed = parseKeyValues(text, nlohmann::json::object());
      for (const auto& [key, value] : parsed.items()) params[key] = Json(value);
    }
    return params;
  };
  if (Json params = collect("osparams"); !params.empty()) {
    op["osparams"] = {{os, params}};
    anything = true;
  }
  if (Json params = collect("osparams_private"); !params.empty()) {
    op["osparams_private_cluster"] = {{os, params}};
    anything = true;
  }
  for (const auto& [dest, key] : {std::pair{"hidden", "hidden_os"},
                                  std::pair{"blacklisted", "blacklisted_os"}}) {
    if (auto flag = yesNo(o, dest)) {
      op[key] = Json::array({Json::array({*flag ? "add" : "remove", os})});
      anything = true;
    }
  }
  if (!anything) {
    std::cerr << "At least one of OS parameters or hypervisor parameters must be passed\n";
    return 1;
  }
  auto client = connectMaster();
  submitAndWait(client, Json::array({op}), inv, std::cout);
  return 0;
}

}  // namespace gantry::cli
