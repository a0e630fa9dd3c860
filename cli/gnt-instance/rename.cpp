// gnt-instance rename, with Ganeti 3.1's options (checks off by default,
// --name-check/--ip-check to turn them on; the 3.0 --no-* forms are
// accepted with a warning).
#include <iostream>

#include "cli/gnt-instance/commands.h"
#include "cli/gnt-instance/instance_options.h"

namespace gantry::cli::instance {
using core::luxi::Json;

int rename(const Invocation& inv) {
  const auto& o = inv.options;
  const std::string& oldName = o.args.at(0);
  const std::string& newName = o.args.at(1);
  if (o.flag("ip_check") && !o.flag("name_check")) {
    refuse("IP address check requires a name check");
  }
  for (const char* legacy : {"no_ip_check", "no_name_check"}) {
    if (o.flag(legacy)) {
      std::cerr << "Warning: --" << (std::string(legacy) == "no_ip_check" ? "no-ip-check"
                                                                          : "no-name-check")
                << " is the default now and may be removed in a future release\n";
    }
  }
  Json op = {{"OP_ID", "OP_INSTANCE_RENAME"},
             {"instance_name", oldName},
             {"new_name", newName},
             {"name_check", o.flag("name_check")},
             {"ip_check", o.flag("ip_check")}};
  auto client = connectMaster();
  const Json results = submitAndWait(client, Json::array({op}), inv, std::cout);
  if (results.is_null()) return 0;  // --submit
  std::cout << "Instance '" << oldName << "' renamed to '"
            << (results.at(0).is_string() ? results.at(0).get<std::string>() : newName) << "'\n";
  return 0;
}

}  // namespace gantry::cli::instance
