// What the instance logical units share: finding an instance by name,
// checking a node's free memory, and the node calls that start and stop
// an instance on its primary node.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "core/config/store_change.h"
#include "gantry/sdk/result.h"
#include "daemon/master/instance/instance_description.h"
#include "daemon/master/lu/logical_unit.h"

namespace gantry::daemon::master {

/// A logical unit on one existing instance (opcode field instance_name):
/// the name is resolved before any lock is asked for, and the instance
/// is locked exclusively.
class InstanceLogicalUnit : public LogicalUnit {
 public:
  using LogicalUnit::LogicalUnit;
  std::string hooksObjectType() const override { return "INSTANCE"; }
  void expandNames() override;
  /// Ganeti's BuildInstanceHookEnv of the instance, plus extraHooksEnv().
  std::map<std::string, std::string> hooksEnv() const override;
  /// The master and the instance's nodes, before and after.
  HooksNodes hooksNodes() const override;

 protected:
  /// What a logical unit adds to the instance's hooks environment.
  virtual std::map<std::string, std::string> extraHooksEnv() const { return {}; }
  /// Takes the config (doc()) and finds the instance (uuid_).
  void loadInstance();
  const nlohmann::json& instanceObject() const { return doc().at("instances").at(uuid_); }

  std::string name_;
  std::string uuid_;
  /// The config as the prerequisites read it: shared and read-only, no
  /// copy of a large cluster's config per job.
  const nlohmann::json& doc() const { return *config_; }
  std::shared_ptr<const nlohmann::json> config_ =
      std::make_shared<const nlohmann::json>(nlohmann::json::object());
};

/// Every MAC address the instances' NICs have.
std::set<std::string> macsInUse(const nlohmann::json& doc);

/// A new MAC address with the cluster's `prefix` (three octets) that is
/// not in `inUse` (Ganeti's GenerateMAC).
std::string generateMac(const std::string& prefix, const std::set<std::string>& inUse);

/// Ganeti's BuildInstanceHookEnv (without the GANETI_ prefix the runner
/// adds): OP_TARGET, INSTANCE_NAME, _PRIMARY, _SECONDARIES, _OS_TYPE,
/// _STATUS, _MINMEM, _MAXMEM, _MEMORY, _VCPUS, _DISK_TEMPLATE,
/// _HYPERVISOR, the NICn_*, DISKn_* and their counts, _TAGS, and every
/// filled backend and hypervisor parameter as INSTANCE_BE_*/INSTANCE_HV_*.
std::map<std::string, std::string> instanceHooksEnv(const nlohmann::json& doc,
                                                    const std::string& uuid);

/// Commits `change` to instance `uuid` with the instance's and the
/// cluster's serial_no and mtime bumped from the current document (not a
/// snapshot another job may have moved on from), then distributes.
void commitInstanceChange(MasterServices& services, Feedback& feedback, const std::string& uuid,
                          core::config::StoreChange change);

/// Ganeti's CheckNodeHasOS: OS `os` ("name" or "name+variant") is valid
/// on `node`, with a variant when the OS has variants (unless
/// forceVariant); PrereqError naming the node otherwise.
void requireOsOnNode(MasterServices& services, const nlohmann::json& node, const std::string& os,
                     bool forceVariant);
/// The OS's own check of a variant and (filled) parameters on `node`
/// (Ganeti's os_validate), before anything is made; an ExecError with the
/// node's reason, as Ganeti raises it. Unless `required`, a node without
/// the OS is no failure: false then (Ganeti's "validation skipped").
bool requireValidOsParams(MasterServices& services, const nlohmann::json& node,
                          const std::string& os, const nlohmann::json& osparams,
                          bool forceVariant, bool required = true);

/// Ganeti's CheckInstanceState: the instance's admin_state must be one of
/// `adminStates` ("Instance '<i>' is marked to be <state>, <why>"); unless
/// "up" is allowed it must also not run on its primary ("Instance <i> is
/// running, <why>"), which is only warned about when the primary is
/// offline.
void requireInstanceState(MasterServices& services, Feedback& feedback,
                          const nlohmann::json& doc, const std::string& uuid,
                          const std::vector<std::string>& adminStates, const std::string& why);

/// The uuid of instance `name`; PrereqError "Instance '<n>' not known"
/// (unknown_entity) if there is none.
std::string requireInstance(const nlohmann::json& doc, const std::string& name);

/// PrereqError "Can't use offline node: <n>" for an offline node.
void requireOnlineNode(const nlohmann::json& node);

/// Ganeti's CheckNodeFreeMemory: the node's free memory for `hypervisor`
/// must cover `neededMiB`, else "Not enough memory on node <n> for
/// <reason>: needed <x> MiB, available <y> MiB" (insufficient_resources).
void requireFreeMemory(MasterServices& services, const nlohmann::json& node,
                       const std::string& hypervisor, std::int64_t neededMiB,
                       const std::string& reason);

/// Whether the instance runs on its primary node now; nullopt when the
/// node could not be asked.
/// What the primary node says of the instance now: its live info
/// (memory, vcpus, ...) when it runs there, nullopt when it does not; the
/// node's error when it could not be asked.
sdk::Result<std::optional<nlohmann::json>> liveInstanceInfo(MasterServices& services,
                                                            const InstanceDescription& d,
                                                            const std::string& hypervisor);

std::optional<bool> instanceRunning(MasterServices& services, const InstanceDescription& d,
                                    const std::string& hypervisor);

/// How to reach the console of the instance, as its primary node says
/// (Ganeti's InstanceConsole as a dict, only the fields set); an ssh
/// console without a port gets the node's ssh_port. The node's error when
/// it did not answer.
sdk::Result<nlohmann::json> instanceConsole(MasterServices& services, const nlohmann::json& doc,
                                            const InstanceDescription& d);

/// A start that failed on a node: "Could not start instance on node <n>:
/// <why>"; reason() is <why> alone, for callers that say it their way.
class StartError : public ExecError {
 public:
  StartError(const std::string& node, std::string reason)
      : ExecError("Could not start instance on node " + node + ": " + reason),
        reason_(std::move(reason)) {}
  const std::string& reason() const { return reason_; }

 private:
  std::string reason_;
};

/// instance_start on the primary node; StartError when it fails.
void startOnPrimary(MasterServices& services, const InstanceDescription& d);

/// instance_shutdown on the primary node; returns the error text, empty on
/// success.
std::string stopOnPrimary(MasterServices& services, const InstanceDescription& d,
                          std::chrono::seconds timeout);

}  // namespace gantry::daemon::master
