// instance_console_open / _write / _read / _close: the node's half of
// `gnt-instance console`. The hypervisor plugin names the instance's
// serial console socket on this node; the ConsoleRelay holds the one
// connection to it per instance and moves bytes both ways. Console bytes
// travel base64-encoded (a terminal stream is not UTF-8 text).
#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>

#include "core/rpc/base64.h"
#include "daemon/node/console_relay.h"
#include "daemon/node/plugin_access.h"

namespace gantry::daemon::node {
namespace {
using nlohmann::json;
using sdk::Error;
using sdk::ErrorCode;

// A read waits at most this long, so a worker thread is never held for
// long and the client is heard from well within the relay's idle limit.
constexpr std::int64_t kMaxReadWaitMs = 2000;

sdk::Result<json> openConsole(NodeContext& node, const json& args) {
  sdk::InstanceSpec instance;
  instance.name = args.at("instance").get<std::string>();
  instance.hypervisor = args.at("hypervisor").get<std::string>();
  auto hv = hypervisorFor(node, instance.hypervisor);
  if (!hv) return std::move(hv).error();
  auto info = (*hv)->console(instance);
  if (!info) return std::move(info).error();
  if (info->kind != sdk::ConsoleInfo::Kind::kSerialSocket || info->socketPath.empty()) {
    return Error{ErrorCode::kUnsupported, "The " + instance.hypervisor +
                                              " hypervisor offers no serial console socket "
                                              "for instance " + instance.name};
  }
  auto session = node.consoles->open(instance.name, info->socketPath);
  if (!session) return std::move(session).error();
  if (node.logger != nullptr) {
    node.logger->info("console client attached to instance " + instance.name);
  }
  return json{{"session", *session}};
}

sdk::Result<json> writeConsole(NodeContext& node, const json& args) {
  auto bytes = core::rpc::base64Decode(args.at("data").get<std::string>());
  if (!bytes) return std::move(bytes).error();
  auto written = node.consoles->write(args.at("session").get<std::string>(), *bytes);
  if (!written) return std::move(written).error();
  return json(nullptr);
}

sdk::Result<json> readConsole(NodeContext& node, const json& args) {
  const std::int64_t waitMs = std::clamp<std::int64_t>(args.value("wait_ms", 0), 0, kMaxReadWaitMs);
  auto output = node.consoles->read(args.at("session").get<std::string>(),
                                    std::chrono::milliseconds(waitMs));
  if (!output) return std::move(output).error();
  return json{{"data", core::rpc::base64Encode(output->bytes)}, {"closed", output->closed}};
}

}  // namespace

void addConsoleProcedures(core::rpc::ProcedureTable& table, NodeContext& node) {
  using core::rpc::ArgType;
  using core::rpc::CallContext;
  table.add({"instance_console_open",
             {{"instance", ArgType::kString, true}, {"hypervisor", ArgType::kString, true}},
             [&node](const json& a, const CallContext&) { return openConsole(node, a); }});
  table.add({"instance_console_write",
             {{"session", ArgType::kString, true}, {"data", ArgType::kString, true}},
             [&node](const json& a, const CallContext&) { return writeConsole(node, a); }});
  table.add({"instance_console_read",
             {{"session", ArgType::kString, true}, {"wait_ms", ArgType::kInt, false}},
             [&node](const json& a, const CallContext&) { return readConsole(node, a); }});
  table.add({"instance_console_close", {{"session", ArgType::kString, true}},
             [&node](const json& a, const CallContext&) -> sdk::Result<json> {
               node.consoles->close(a.at("session").get<std::string>());
               return json(nullptr);
             }});
}

}  // namespace gantry::daemon::node
