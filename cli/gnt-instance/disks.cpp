// gnt-instance grow-disk, activate-disks and deactivate-disks.
#include <iostream>

#include "cli/gnt-instance/commands.h"
#include "cli/gnt-instance/instance_options.h"
#include "core/util/units.h"

namespace gantry::cli::instance {
using core::luxi::Json;

int growDisk(const Invocation& inv) {
  const auto& o = inv.options;
  const std::string& diskText = o.args.at(1);
  const std::string& amountText = o.args.at(2);
  int disk = 0;
  try {
    std::size_t used = 0;
    disk = std::stoi(diskText, &used);
    if (used != diskText.size()) throw std::invalid_argument(diskText);
  } catch (const std::exception&) {
    refuse("Invalid disk index: invalid literal for int() with base 10: '" + diskText + "'");
  }
  auto amount = core::util::parseUnit(amountText);
  if (!amount) refuse("Can't parse the given amount '" + amountText + "'");
  Json op = {{"OP_ID", "OP_INSTANCE_GROW_DISK"},
             {"instance_name", o.args.at(0)},
             {"disk", disk},
             {"amount", *amount},
             {"absolute", o.flag("absolute")},
             {"wait_for_sync", !o.flag("no_wait_for_sync")},
             {"ignore_ipolicy", o.flag("ignore_ipolicy")}};
  auto client = connectMaster();
  submitAndWait(client, Json::array({op}), inv, std::cout);
  return 0;
}

int activateDisks(const Invocation& inv) {
  const auto& o = inv.options;
  Json op = {{"OP_ID", "OP_INSTANCE_ACTIVATE_DISKS"},
             {"instance_name", o.args.at(0)},
             {"ignore_size", o.flag("ignore_size")},
             {"wait_for_sync", o.flag("wait_for_sync")}};
  auto client = connectMaster();
  const Json results = submitAndWait(client, Json::array({op}), inv, std::cout);
  if (results.is_null()) return 0;  // --submit
  for (const auto& device : results.at(0)) {
    auto text = [](const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
    std::cout << text(device.at(0)) << ":" << text(device.at(1)) << ":"
              << (device.at(2).is_null() ? "None" : text(device.at(2))) << "\n";
  }
  return 0;
}

int deactivateDisks(const Invocation& inv) {
  const auto& o = inv.options;
  Json op = {{"OP_ID", "OP_INSTANCE_DEACTIVATE_DISKS"},
             {"instance_name", o.args.at(0)},
             {"force", o.flag("force")}};
  auto client = connectMaster();
  submitAndWait(client, Json::array({op}), inv, std::cout);
  return 0;
}

}  // namespace gantry::cli::instance
