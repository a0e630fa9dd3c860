#include "daemon/master/cluster/verify/node_checks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/query/engine.h"

namespace gantry::daemon::master::verify {
namespace {
using nlohmann::json;

// Ganeti's constants.NODE_MAX_CLOCK_SKEW.
constexpr double kMaxClockSkew = 150;

std::string versionText(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

bool checkNodeAnswer(Reporter& reporter, const std::string& node,
                     const core::rpc::NodeReply& reply) {
  if (!reply.ok) {
    reporter.error("ENODERPC", node, "while contacting node: " + reply.msg);
    return false;
  }
  if (reply.result.is_null() || (reply.result.is_object() && reply.result.empty())) {
    reporter.error("ENODERPC", node, "unable to verify node: no data returned");
    return false;
  }
  if (!reply.result.is_object()) {
    reporter.error("ENODERPC", node, "connection to node returned invalid data");
    return false;
  }
  return true;
}

void checkNodeVersion(Reporter& reporter, const std::string& node, const json& answer,
                      int protocol, const std::string& release) {
  const auto it = answer.find("version");
  if (it == answer.end() || !it->is_array() || it->size() != 2) {
    reporter.error("ENODERPC", node, "connection to node returned invalid data");
    return;
  }
  if (!(*it)[0].is_number_integer() || (*it)[0].get<int>() != protocol) {
    reporter.error("ENODEVERSION", node,
                   "incompatible protocol versions: master " + std::to_string(protocol) +
                       ", node " + versionText((*it)[0]));
    return;
  }
  if ((*it)[1] != release) {
    reporter.error("ENODEVERSION", node,
                   "software version mismatch: master " + release + ", node " +
                       versionText((*it)[1]),
                   true);
  }
}

void checkNodeTime(Reporter& reporter, const std::string& node, const json& answer,
                   RpcWindow window) {
  const auto it = answer.find("time");
  if (it == answer.end() || !it->is_array() || it->size() != 2 || !(*it)[0].is_number() ||
      !(*it)[1].is_number()) {
    reporter.error("ENODETIME", node, "Node returned invalid time");
    return;
  }
  const double nodeTime = (*it)[0].get<double>() + (*it)[1].get<double>() / 1e6;
  double skew = 0;
  if (nodeTime < window.start - kMaxClockSkew) {
    skew = window.start - nodeTime;
  } else if (nodeTime > window.end + kMaxClockSkew) {
    skew = nodeTime - window.end;
  } else {
    return;
  }
  char text[64];
  std::snprintf(text, sizeof(text), "%.1fs", std::fabs(skew));
  reporter.error("ENODETIME", node,
                 std::string("Node time diverges by at least ") + text + " from master node time");
}

void checkNodeNetwork(Reporter& reporter, const std::string& node, const json& answer) {
  const auto it = answer.find("node-net-test");
  if (it == answer.end() || !it->is_object()) {
    reporter.error("ENODENET", node, "node hasn't returned node tcp connectivity data");
    return;
  }
  std::vector<std::string> peers;
  for (const auto& [peer, _] : it->items()) peers.push_back(peer);
  std::sort(peers.begin(), peers.end(), [](const std::string& a, const std::string& b) {
    return core::query::naturalLess(a, b);
  });
  for (const auto& peer : peers) {
    reporter.error("ENODENET", node,
                   "tcp communication with node '" + peer + "': " + versionText((*it)[peer]));
  }
}

}  // namespace gantry::daemon::master::verify
