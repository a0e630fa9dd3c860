// What the node's procedures work with: its directories, its plugins, its
// keys and the authorizer they update after a join or a key upload.
#pragma once

#include <string>

#include "core/plugins/registry.h"
#include "core/rpc/authorizer.h"
#include "core/rpc/keys.h"
#include "core/rpc/protocol.h"
#include "core/rpc/procedures.h"
#include "core/util/log.h"
#include "daemon/node/console_relay.h"
#include "gantry/sdk/host.h"

namespace gantry::daemon::node {

struct NodeContext {
  sdk::HostPaths paths;
  core::plugins::PluginRegistry* registry = nullptr;
  core::rpc::ClientAuthorizer* authorizer = nullptr;
  core::util::Logger* logger = nullptr;
  /// The serial consoles operators are attached to (console_procedures).
  ConsoleRelay* consoles = nullptr;
  core::rpc::CurveKeyPair nodeKeys;
  std::string nodeFingerprint;
  /// The address the daemon serves on first (its primary).
  std::string primaryAddress;
  /// What version and node_verify report (another one only in tests).
  int protocolVersion = core::rpc::kProtocolVersion;
};

/// Every procedure gantry-noded serves (see the add* functions).
void addNodeProcedures(core::rpc::ProcedureTable& table, NodeContext& node);

/// version, node_info, volume_list, test_delay.
void addInfoProcedures(core::rpc::ProcedureTable& table, NodeContext& node);
/// upload_file, write_ssconf_files, read_ssconf, master_node_name,
/// jobqueue_update, jobqueue_rename.
void addFileProcedures(core::rpc::ProcedureTable& table, NodeContext& node);
/// demote_from_mc.
void addDemoteProcedure(core::rpc::ProcedureTable& table, NodeContext& node);
/// Instance disks (blockdev_procedures.cpp).
void addBlockdevProcedures(core::rpc::ProcedureTable& table, NodeContext& node);
/// Instance OS, lifecycle, migration, console (instance_procedures.cpp).
void addInstanceProcedures(core::rpc::ProcedureTable& table, NodeContext& node);
/// instance_console_open/_write/_read/_close (console_procedures.cpp).
void addConsoleProcedures(core::rpc::ProcedureTable& table, NodeContext& node);
/// os_diagnose (os_procedures.cpp).
void addOsProcedures(core::rpc::ProcedureTable& table, NodeContext& node);
/// hooks_runner (hooks_procedure.cpp).
void addHooksProcedure(core::rpc::ProcedureTable& table, NodeContext& node);
/// node_leave_cluster (leave_procedure.cpp).
void addLeaveProcedure(core::rpc::ProcedureTable& table, NodeContext& node);
/// node_stop_master, config_serial.
void addStopMasterProcedure(core::rpc::ProcedureTable& table, NodeContext& node);
/// join.
void addJoinProcedure(core::rpc::ProcedureTable& table, NodeContext& node);
/// node_verify.
void addVerifyProcedure(core::rpc::ProcedureTable& table, NodeContext& node);

}  // namespace gantry::daemon::node
