// OP_INSTANCE_MIGRATE: moves a running instance whose disks every node can
// reach to another node without stopping it, through the hypervisor's
// migration (info from the source, accept on the target, transfer, then
// finalize on both), with Ganeti's step messages; any failure aborts on
// both sides and leaves the instance running where it was. A stopped
// instance moves by failover when --allow-failover says it may. --cleanup
// repairs after an interrupted migration (migration_cleanup.h).
#include <thread>

#include "core/config/store.h"
#include "core/locking/lock_manager.h"
#include "daemon/master/cluster/node_rpc.h"
#include "daemon/master/lu/instance/instance_move.h"
#include "daemon/master/lu/instance/migration_cleanup.h"

namespace gantry::daemon::master {
namespace {
using nlohmann::json;

constexpr std::chrono::seconds kCallTimeout{60};
// Short: a live migration of a small idle guest takes well under a
// second, and the switch-over should not wait for the next look.
constexpr std::chrono::milliseconds kPollInterval{50};
constexpr std::chrono::seconds kFeedbackInterval{10};

class LuInstanceMigrate : public InstanceLogicalUnit {
 public:
  using InstanceLogicalUnit::InstanceLogicalUnit;

  std::string hooksPath() const override { return "instance-migrate"; }
  std::map<std::string, std::string> extraHooksEnv() const override {
    return {{"INSTANCE_NAME", name_},
            {"OLD_PRIMARY", source_.primaryNodeName},
            {"NEW_PRIMARY", target_.name},
            {"MIGRATE_LIVE", live_ ? "True" : "False"},
            {"MIGRATE_CLEANUP", cleanup_ ? "True" : "False"}};
  }

  void checkPrereq() override {
    loadInstance();
    cleanup_ = op.getBool("cleanup");
    if (cleanup_) {
      source_ = describeInstance(doc(), uuid_);
      return;
    }
    const json& instance = instanceObject();
    const std::string layout = diskTemplateOf(doc(), instance);
    if (!movableByTemplate(layout)) {
      throw PrereqError("Instance's disk layout '" + layout + "' does not allow migrations",
                        sdk::ErrorCode::kState);
    }
    target_ = checkMoveTarget(services, feedback, doc(), instance, op.optString("target_node"),
                              op.optString("iallocator"), "migrate");
    source_ = describeInstance(doc(), uuid_);
    hypervisor_ = instance.value("hypervisor", "");
    live_ = op.optString("mode").value_or("live") != "non-live";
    if (op.has("live") && op.get("live").is_boolean()) live_ = op.getBool("live");

    requireOnlineNode(source_.primaryNode);
    const auto running = instanceRunning(services, source_, hypervisor_);
    if (!running.value_or(false)) {
      const std::string why = running ? "Instance " + name_ + " is not running"
                                      : "cannot reach node " + source_.primaryNodeName;
      if (!op.getBool("allow_failover")) {
        throw PrereqError("Can't migrate, please use failover: " + why, sdk::ErrorCode::kState);
      }
      failover_ = true;
    }
    if (failover_ ? instance.value("admin_state", "down") == "up" : true) {
      requireFreeMemory(services, target_.node, hypervisor_,
                        filledBeparams(doc(), instance).value("minmem", 128),
                        "migrating instance " + name_);
    }
  }

  json exec() override {
    if (cleanup_) {
      cleanupMigration(services, feedback, doc(), uuid_);
      return nullptr;
    }
    if (failover_) {
      feedback.info("Can't migrate, instance offline, fallback to failover");
      failoverInstance(services, feedback, doc(), uuid_, target_, false, std::chrono::seconds(120));
      return nullptr;
    }
    feedback.message("Migrating instance " + name_);
    feedback.message("* checking disk consistency between source and target");
    const auto source = nodeTarget(services, source_.primaryNode);
    const auto target = nodeTarget(services, target_.node);
    const json instance = source_.instance;

    auto info = callNode(services, source, "migration_info", {{"instance", instance}}, kCallTimeout);
    if (!info.ok) {
      throw ExecError("Failed fetching source migration information from " +
                      source_.primaryNodeName + ": " + info.msg);
    }
    const std::string migrationInfo = info.result.is_string() ? info.result.get<std::string>() : "";

    feedback.message("* preparing " + target_.name + " to accept the instance");
    auto accepted = callNode(services, target, "accept_instance",
                             {{"instance", instance},
                              {"disks", source_.disks},
                              {"info", migrationInfo},
                              {"target", target_.node.value("primary_ip", "")}},
                             kCallTimeout);
    if (!accepted.ok) {
      abort(source, target, migrationInfo);
      throw ExecError("Could not pre-migrate instance " + name_ + ": " + accepted.msg);
    }

    feedback.message("* migrating instance to " + target_.name);
    auto migrated = callNode(services, source, "instance_migrate",
                             {{"instance", instance},
                              {"target", target_.node.value("primary_ip", "")},
                              {"live", live_}},
                             kCallTimeout);
    if (!migrated.ok) {
      abort(source, target, migrationInfo);
      throw ExecError("Could not migrate instance " + name_ + ": " + migrated.msg);
    }

    feedback.message("* starting memory transfer");
    auto lastFeedback = std::chrono::steady_clock::now();
    for (;;) {
      auto status = callNode(services, source, "instance_get_migration_status",
                             {{"instance", instance}}, kCallTimeout);
      const std::string state = status.ok ? status.result.value("status", "failed") : "failed";
      if (!status.ok || state == "failed" || state == "cancelled") {
        abort(source, target, migrationInfo);
        std::string why = status.ok ? status.result.value("message", "") : status.msg;
        if (why.empty()) why = "hypervisor returned failure";
        throw ExecError("Could not migrate instance " + name_ + ": " + why);
      }
      if (state != "active") {
        feedback.message("* memory transfer complete");
        const auto downtime = status.result.value("downtime_ms", std::int64_t{0});
        if (downtime > 0) {
          feedback.message("* downtime reported by the hypervisor: " + std::to_string(downtime) +
                           " ms");
        }
        break;
      }
      const auto total = status.result.value("total_ram", std::int64_t{0});
      if (std::chrono::steady_clock::now() - lastFeedback >= kFeedbackInterval && total > 0) {
        char progress[64];
        std::snprintf(progress, sizeof progress, "* memory transfer progress: %.2f %%",
                      100.0 * static_cast<double>(status.result.value("transferred_ram", 0)) /
                          static_cast<double>(total));
        feedback.message(progress);
        lastFeedback = std::chrono::steady_clock::now();
      }
      std::this_thread::sleep_for(kPollInterval);
    }

    auto sourceDone = callNode(services, source, "instance_finalize_migration_src",
                               {{"instance", instance}, {"success", true}, {"live", live_}},
                               kCallTimeout);
    if (!sourceDone.ok) throw ExecError("Could not finalize instance migration: " + sourceDone.msg);
    recordNewPrimary(services, feedback, doc(), uuid_, target_.uuid);
    auto targetDone = callNode(services, target, "instance_finalize_migration_dst",
                               {{"instance", instance}, {"info", migrationInfo}, {"success", true}},
                               kCallTimeout);
    if (!targetDone.ok) throw ExecError("Could not finalize instance migration: " + targetDone.msg);
    feedback.message("* done");
    return nullptr;
  }

 private:
  // Ganeti's _AbortMigration: the target forgets, the source goes on.
  void abort(const core::rpc::NodeTarget& source, const core::rpc::NodeTarget& target,
             const std::string& migrationInfo) {
    auto dst = callNode(services, target, "instance_finalize_migration_dst",
                        {{"instance", source_.instance}, {"info", migrationInfo}, {"success", false}},
                        kCallTimeout);
    if (!dst.ok) feedback.warning("Target node failed to abort the migration: " + dst.msg);
    auto src = callNode(services, source, "instance_finalize_migration_src",
                        {{"instance", source_.instance}, {"success", false}, {"live", live_}},
                        kCallTimeout);
    if (!src.ok) feedback.warning("Source node failed to abort the migration: " + src.msg);
  }

  std::string hypervisor_;
  InstanceDescription source_;
  MoveTarget target_;
  bool live_ = true;
  bool failover_ = false;
  bool cleanup_ = false;
};

}  // namespace

void registerInstanceMigrate() {
  registerLogicalUnit("OP_INSTANCE_MIGRATE", [](const auto& op, auto& services, auto& ctx) {
    return std::make_unique<LuInstanceMigrate>(op, services, ctx);
  });
}

}  // namespace gantry::daemon::master
