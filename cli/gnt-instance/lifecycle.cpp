// gnt-instance remove, failover and migrate (one instance each), and
// startup, shutdown and reboot (any selection, one job per instance).
#include <iostream>

#include "cli/common/confirm.h"
#include "cli/gnt-instance/commands.h"
#include "cli/gnt-instance/selection.h"
#include "core/luxi/errors.h"

namespace gantry::cli::instance {
using core::luxi::Json;

namespace {

std::int64_t seconds(const ParsedOptions& o, const char* dest, std::int64_t fallback) {
  auto text = o.value(dest);
  if (!text) return fallback;
  try {
    std::size_t pos = 0;
    const auto value = std::stoll(*text, &pos);
    if (pos == text->size() && value >= 0) return value;
  } catch (const std::exception&) {
  }
  throw core::luxi::opPrereqError("Invalid timeout '" + *text + "'", "wrong_input");
}

}  // namespace

int remove(const Invocation& inv) {
  const auto& o = inv.options;
  const std::string name = o.args.at(0);
  if (!o.flag("force") &&
      !askYesNo("This will remove the volumes of the instance " + name +
                " (including mirrors), thus removing all the data of the instance. Continue?")) {
    return 1;
  }
  Json op = {{"OP_ID", "OP_INSTANCE_REMOVE"},
             {"instance_name", name},
             {"ignore_failures", o.flag("ignore_failures")},
             {"shutdown_timeout", seconds(o, "shutdown_timeout", 120)}};
  auto client = connectMaster();
  submitAndWait(client, Json::array({op}), inv, std::cout);
  return 0;
}

int failover(const Invocation& inv) {
  const auto& o = inv.options;
  const std::string name = o.args.at(0);
  if (!o.flag("force") &&
      !askYesNo("Failover will happen to image " + name +
                ". This requires a shutdown of the instance. Continue?")) {
    return 1;
  }
  // Asked even with --force: the operator must know the source is gone.
  if (o.flag("ignore_consistency") &&
      !askYesNo("To failover instance " + name +
                ", the source node must be marked offline first. Is this already the case?")) {
    return 1;
  }
  Json op = {{"OP_ID", "OP_INSTANCE_FAILOVER"},
             {"instance_name", name},
             {"ignore_consistency", o.flag("ignore_consistency")},
             {"shutdown_timeout", seconds(o, "shutdown_timeout", 120)},
             {"ignore_ipolicy", o.flag("ignore_ipolicy")},
             {"cleanup", o.flag("cleanup")}};
  if (auto target = o.value("target_node")) op["target_node"] = *target;
  if (auto allocator = o.value("iallocator")) op["iallocator"] = *allocator;
  auto client = connectMaster();
  submitAndWait(client, Json::array({op}), inv, std::cout);
  return 0;
}

int migrate(const Invocation& inv) {
  const auto& o = inv.options;
  const std::string name = o.args.at(0);
  const bool cleanup = o.flag("cleanup");
  const std::string question =
      cleanup ? "Instance " + name +
                    " will be recovered from a failed migration. Note that the migration "
                    "procedure (including cleanup) might impact the instance if anything goes "
                    "wrong (e.g. due to bugs in the hypervisor). Continue?"
              : "Instance " + name +
                    " will be migrated. Note that migration might impact the instance if "
                    "anything goes wrong (e.g. due to bugs in the hypervisor). Continue?";
  if (!o.flag("force") && !askYesNo(question)) return 1;
  if (o.flag("non_live") && o.value("migration_mode")) {
    throw core::luxi::opPrereqError(
        "Only one of the --non-live and --migration-mode options can be passed", "wrong_input");
  }
  Json op = {{"OP_ID", "OP_INSTANCE_MIGRATE"},
             {"instance_name", name},
             {"cleanup", cleanup},
             {"allow_failover", o.flag("allow_failover")},
             {"allow_runtime_changes", !o.flag("no_runtime_changes")},
             {"ignore_ipolicy", o.flag("ignore_ipolicy")},
             {"ignore_hvversions", o.flag("ignore_hvversions")}};
  if (o.flag("non_live")) {
    op["mode"] = "non-live";
  } else if (auto mode = o.value("migration_mode")) {
    op["mode"] = *mode;
  }
  if (auto target = o.value("target_node")) op["target_node"] = *target;
  if (auto allocator = o.value("iallocator")) op["iallocator"] = *allocator;
  auto client = connectMaster();
  submitAndWait(client, Json::array({op}), inv, std::cout);
  return 0;
}

int reboot(const Invocation& inv) {
  const auto& o = inv.options;
  const std::string type = o.value("reboot_type").value_or("hard");
  const auto timeout = seconds(o, "shutdown_timeout", 120);
  return forEachSelectedInstance(inv, "reboot", [&](const std::string& name) {
    return Json{{"OP_ID", "OP_INSTANCE_REBOOT"},
                {"instance_name", name},
                {"reboot_type", type},
                {"ignore_secondaries", o.flag("ignore_secondaries")},
                {"shutdown_timeout", timeout}};
  });
}

int startup(const Invocation& inv) {
  const auto& o = inv.options;
  return forEachSelectedInstance(inv, "startup", [&](const std::string& name) {
    return Json{{"OP_ID", "OP_INSTANCE_STARTUP"},
                {"instance_name", name},
                {"force", o.flag("force")},
                {"ignore_offline_nodes", o.flag("ignore_offline")},
                {"no_remember", o.flag("no_remember")},
                {"startup_paused", o.flag("paused")}};
  });
}

int shutdown(const Invocation& inv) {
  const auto& o = inv.options;
  const auto timeout = seconds(o, "timeout", 120);
  return forEachSelectedInstance(inv, "shutdown", [&](const std::string& name) {
    return Json{{"OP_ID", "OP_INSTANCE_SHUTDOWN"},
                {"instance_name", name},
                {"timeout", timeout},
                {"ignore_offline_nodes", o.flag("ignore_offline")},
                {"no_remember", o.flag("no_remember")}};
  });
}

}  // namespace gantry::cli::instance
