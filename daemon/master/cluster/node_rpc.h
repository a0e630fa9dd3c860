// From config nodes to RPC targets: a node is called at its primary IP,
// on the port and with the CURVE key recorded when it was accepted
// (core/cluster/node_keys.h); offline nodes are marked so and never called.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/rpc/client.h"
#include "daemon/master/master_services.h"

namespace gantry::daemon::master {

/// The target of one config node object. A node without a known key gets
/// an empty serverKey: calls to it fail with a reply naming the reason.
core::rpc::NodeTarget nodeTarget(const MasterServices& services, const nlohmann::json& node);

/// One call, with a reply (never contacted) for a node whose key is unknown.
core::rpc::NodeReply callNode(MasterServices& services, const core::rpc::NodeTarget& target,
                              std::string_view proc, const nlohmann::json& args,
                              std::chrono::milliseconds timeout = std::chrono::seconds(10));

/// The same call on many nodes; replies in order.
std::vector<core::rpc::NodeReply> callNodes(
    MasterServices& services, const std::vector<core::rpc::NodeTarget>& targets,
    std::string_view proc, const nlohmann::json& args,
    std::chrono::milliseconds timeout = std::chrono::seconds(10));

/// callNodes for calls that may be long: a node whose daemon does not
/// accept a TCP connection within two seconds gets Ganeti's connection
/// error at once instead of holding the call for its whole timeout.
std::vector<core::rpc::NodeReply> callReachableNodes(
    MasterServices& services, const std::vector<core::rpc::NodeTarget>& targets,
    std::string_view proc, const nlohmann::json& args, std::chrono::milliseconds timeout);

}  // namespace gantry::daemon::master
