// Cluster verify's per-node checks of a node_verify answer (Ganeti's
// LUClusterVerifyGroup _VerifyNode, _VerifyNodeTime, _VerifyNodeNetwork),
// with Ganeti's codes and texts.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "core/rpc/client.h"
#include "daemon/master/cluster/verify/verify_report.h"

namespace gantry::daemon::master::verify {

/// When the master asked (seconds since the epoch), for the time check.
struct RpcWindow {
  double start = 0;
  double end = 0;
};

/// ENODERPC / ENODEVERSION: false when the node's answer cannot be used
/// at all (RPC failure or no data); later checks are then skipped.
bool checkNodeAnswer(Reporter& reporter, const std::string& node,
                     const core::rpc::NodeReply& reply);

/// ENODEVERSION: "incompatible protocol versions: master <a>, node <b>",
/// WARNING "software version mismatch: master <a>, node <b>".
void checkNodeVersion(Reporter& reporter, const std::string& node, const nlohmann::json& answer,
                      int protocol, const std::string& release);

/// ENODETIME: the node's clock outside [start - 150 s, end + 150 s].
void checkNodeTime(Reporter& reporter, const std::string& node, const nlohmann::json& answer,
                   RpcWindow window);

/// ENODENET: one line per peer the node failed to reach, NiceSorted:
/// "tcp communication with node '<peer>': failure using the <primary |
/// secondary | primary and secondary> interface(s)".
void checkNodeNetwork(Reporter& reporter, const std::string& node,
                      const nlohmann::json& answer);

}  // namespace gantry::daemon::master::verify
