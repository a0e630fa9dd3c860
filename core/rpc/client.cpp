#include "core/rpc/client.h"

#include <atomic>
#include <exception>
#include <iterator>
#include <map>
#include <mutex>
#include <utility>

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "core/rpc/server.h"
#include "core/util/process.h"

namespace gantry::core::rpc {

using nlohmann::json;
using sdk::ErrorCode;
using Clock = std::chrono::steady_clock;

namespace {

// Idle connections kept per node; more concurrent calls open more sockets,
// the extra ones are closed when they come back.
constexpr std::size_t kIdleSocketsPerNode = 8;

std::string poolKey(const NodeTarget& node) {
  return tcpEndpoint(node.address, node.port) + "|" + node.serverKey;
}

void contactError(NodeReply& reply, const std::string& why) {
  reply.ok = false;
  reply.code = ErrorCode::kEnvironment;
  reply.msg = "Error while contacting node " + reply.node + ": " + why;
}

}  // namespace

// A DEALER socket to one node and a monitor of its connection. A pooled
// socket whose connection dropped or failed its handshake since it was
// last used is not reused: after a refused handshake (a node daemon that
// restarted without trusting this cluster yet) libzmq gives the
// connection up for good, and a request sent on it would only time out.
struct Connection {
  std::unique_ptr<zmq::socket_t> socket;
  std::unique_ptr<zmq::socket_t> monitor;  // PAIR receiving the events

  // Any connection event since the last look (drains them).
  bool hadTrouble() {
    bool trouble = false;
    zmq::message_t frame;
    while (monitor && monitor->recv(frame, zmq::recv_flags::dontwait)) trouble = true;
    return trouble;
  }
};

constexpr int kTroubleEvents = ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_CLOSED |
                               ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                               ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                               ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;

struct RpcClient::Impl {
  explicit Impl(ClientOptions o) : options(std::move(o)) {}

  ClientOptions options;
  zmq::context_t context{1};
  std::mutex mutex;
  std::map<std::string, std::vector<Connection>> idle;
  std::atomic<std::uint64_t> nextId{1};
  std::atomic<std::uint64_t> nextMonitor{1};

  Connection checkout(const NodeTarget& node, const std::string& key) {
    {
      std::lock_guard lock(mutex);
      auto it = idle.find(key);
      while (it != idle.end() && !it->second.empty()) {
        Connection connection = std::move(it->second.back());
        it->second.pop_back();
        if (!connection.hadTrouble()) return connection;
      }
    }
    Connection connection;
    auto& socket = connection.socket;
    socket = std::make_unique<zmq::socket_t>(context, zmq::socket_type::dealer);
    socket->set(zmq::sockopt::linger, 0);
    socket->set(zmq::sockopt::curve_serverkey, node.serverKey);
    socket->set(zmq::sockopt::curve_publickey, options.clientKeys.publicKey);
    socket->set(zmq::sockopt::curve_secretkey, options.clientKeys.secretKey);
    socket->set(zmq::sockopt::maxmsgsize,
                static_cast<int64_t>(options.maxMessageBytes + kMessageSizeSlack));
    const std::string endpoint = tcpEndpoint(node.address, node.port);
    if (endpoint.find('[') != std::string::npos) socket->set(zmq::sockopt::ipv6, true);
    // Watched from before the connection starts, so no event is missed.
    const std::string monitorEndpoint =
        "inproc://gantry-rpc-monitor-" + std::to_string(nextMonitor.fetch_add(1));
    if (zmq_socket_monitor(socket->handle(), monitorEndpoint.c_str(), kTroubleEvents) == 0) {
      connection.monitor = std::make_unique<zmq::socket_t>(context, zmq::socket_type::pair);
      connection.monitor->set(zmq::sockopt::linger, 0);
      connection.monitor->connect(monitorEndpoint);
    }
    socket->connect(endpoint);
    return connection;
  }

  void checkin(const std::string& key, Connection connection) {
    std::lock_guard lock(mutex);
    auto& connections = idle[key];
    if (connections.size() < kIdleSocketsPerNode) connections.push_back(std::move(connection));
  }
};

RpcClient::RpcClient(ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

RpcClient::~RpcClient() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->idle.clear();
  }
  impl_->context.close();
}

NodeReply RpcClient::call(const NodeTarget& node, std::string_view proc,
                          const json& args,
                          std::optional<std::chrono::milliseconds> timeout) {
  return callEach({node}, proc, {args}, timeout).front();
}

std::vector<NodeReply> RpcClient::callMany(
    const std::vector<NodeTarget>& nodes, std::string_view proc,
    const json& args, std::optional<std::chrono::milliseconds> timeout) {
  return callEach(nodes, proc, std::vector<json>(nodes.size(), args), timeout);
}

std::vector<NodeReply> RpcClient::callEach(
    const std::vector<NodeTarget>& nodes, std::string_view proc,
    const std::vector<json>& args,
    std::optional<std::chrono::milliseconds> timeout) {
  Impl& c = *impl_;
  const auto limit = timeout.value_or(c.options.timeout);
  std::vector<NodeReply> replies(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) replies[i].node = nodes[i].name;
  if (args.size() != nodes.size()) {
    for (auto& reply : replies) {
      reply.code = ErrorCode::kInvalid;
      reply.msg = "RPC call '" + std::string(proc) + "' has " +
                  std::to_string(args.size()) + " argument sets for " +
                  std::to_string(nodes.size()) + " nodes";
    }
    return replies;
  }

  struct Pending {
    std::size_t index;
    std::string key;
    Connection connection;
    std::uint64_t id;
  };
  std::vector<Pending> pending;
  const auto deadline = Clock::now() + limit;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const NodeTarget& node = nodes[i];
    NodeReply& reply = replies[i];
    if (node.offline) {
      reply.offline = true;
      reply.code = ErrorCode::kState;
      reply.msg = std::string(kNodeOfflineMessage);
      continue;
    }
    if (!isValidCurveKeyText(node.serverKey)) {
      contactError(reply, "no valid CURVE key known for the node");
      continue;
    }
    try {
      Pending p{i, poolKey(node), {}, c.nextId.fetch_add(1)};
      p.connection = c.checkout(node, p.key);
      Request request{std::string(proc), args[i], p.id};
      const std::string bytes = encodeRequest(request);
      // A fresh DEALER queues the message until the connection is up.
      if (!p.connection.socket->send(zmq::buffer(bytes), zmq::send_flags::dontwait)) {
        contactError(reply, "cannot queue the request");
        continue;
      }
      pending.push_back(std::move(p));
    } catch (const zmq::error_t& e) {
      contactError(reply, e.what());
    }
  }

  while (!pending.empty()) {
    const auto now = Clock::now();
    if (now >= deadline) break;
    // Rounded up: a call never gives up before its timeout has passed.
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
    std::vector<zmq::pollitem_t> items;
    items.reserve(pending.size());
    for (auto& p : pending) {
      items.push_back({p.connection.socket->handle(), 0, ZMQ_POLLIN, 0});
    }
    try {
      zmq::poll(items, left);
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) continue;
      for (auto& p : pending) contactError(replies[p.index], e.what());
      return replies;
    }
    std::vector<Pending> still;
    for (std::size_t k = 0; k < pending.size(); ++k) {
      Pending& p = pending[k];
      if (!(items[k].revents & ZMQ_POLLIN)) {
        still.push_back(std::move(p));
        continue;
      }
      NodeReply& reply = replies[p.index];
      std::vector<zmq::message_t> frames;
      try {
        (void)zmq::recv_multipart(*p.connection.socket, std::back_inserter(frames),
                                  zmq::recv_flags::dontwait);
      } catch (const zmq::error_t& e) {
        contactError(reply, e.what());
        continue;
      }
      if (frames.empty()) {
        still.push_back(std::move(p));
        continue;
      }
      auto parsed = parseReply(frames.back().to_string_view());
      if (!parsed) {
        contactError(reply, parsed.error().message);
        continue;  // the socket is dropped: its stream is not trusted
      }
      // A reply without an id answers the one request outstanding on this
      // socket (the node could not read it); another id is stale.
      if (parsed->id && *parsed->id != p.id) {
        still.push_back(std::move(p));
        continue;
      }
      reply.ok = parsed->ok;
      if (parsed->ok) {
        reply.result = std::move(parsed->result);
      } else {
        reply.code = parsed->error.code;
        reply.msg = std::move(parsed->error.message);
      }
      c.checkin(p.key, std::move(p.connection));
    }
    pending = std::move(still);
  }
  for (auto& p : pending) {
    contactError(replies[p.index], "timed out after " + util::formatDuration(limit));
  }
  return replies;
}

}  // namespace gantry::core::rpc
