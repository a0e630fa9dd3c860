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

struct RpcClient::Impl {
  explicit Impl(ClientOptions o) : options(std::move(o)) {}

  ClientOptions options;
  zmq::context_t context{1};
  std::mutex mutex;
  std::map<std::string, std::vector<std::unique_ptr<zmq::socket_t>>> idle;
  std::atomic<std::uint64_t> nextId{1};

  std::unique_ptr<zmq::socket_t> checkout(const NodeTarget& node,
                                          const std::string& key) {
    {
      std::lock_guard lock(mutex);
      auto it = idle.find(key);
      if (it != idle.end() && !it->second.empty()) {
        auto socket = std::move(it->second.back());
        it->second.pop_back();
        return socket;
      }
    }
    auto socket = std::make_unique<zmq::socket_t>(context, zmq::socket_type::dealer);
    socket->set(zmq::sockopt::linger, 0);
    socket->set(zmq::sockopt::curve_serverkey, node.serverKey);
    socket->set(zmq::sockopt::curve_publickey, options.clientKeys.publicKey);
    socket->set(zmq::sockopt::curve_secretkey, options.clientKeys.secretKey);
    socket->set(zmq::sockopt::maxmsgsize,
                static_cast<int64_t>(options.maxMessageBytes + kMessageSizeSlack));
    const std::string endpoint = tcpEndpoint(node.address, node.port);
    if (endpoint.find('[') != std::string::npos) socket->set(zmq::sockopt::ipv6, true);
    socket->connect(endpoint);
    return socket;
  }

  void checkin(const std::string& key, std::unique_ptr<zmq::socket_t> socket) {
    std::lock_guard lock(mutex);
    auto& sockets = idle[key];
    if (sockets.size() < kIdleSocketsPerNode) sockets.push_back(std::move(socket));
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

void RpcClient::forget(const NodeTarget& node) {
  std::lock_guard lock(impl_->mutex);
  impl_->idle.erase(poolKey(node));
}

NodeReply RpcClient::call(const NodeTarget& node, std::string_view proc,
                          const json& args,
                          std::optional<std::chrono::milliseconds> timeout) {
  return callEach({node}, proc, {args}, timeout).front();
}

std::vector<NodeReply> RpcClient::callMany(
    const std::vector<NodeTarget>& nodes, std::string_view proc,
    const json& args, std::optional<std::chrono::milliseconds> timeout) {
  return callEncoded(nodes, proc, {encodeArgs(args)}, timeout);
}

std::vector<NodeReply> RpcClient::callEach(
    const std::vector<NodeTarget>& nodes, std::string_view proc,
    const std::vector<json>& args,
    std::optional<std::chrono::milliseconds> timeout) {
  if (args.size() != nodes.size()) {
    std::vector<NodeReply> replies(nodes.size());
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      replies[i].node = nodes[i].name;
      replies[i].code = ErrorCode::kInvalid;
      replies[i].msg = "RPC call '" + std::string(proc) + "' has " +
                       std::to_string(args.size()) + " argument sets for " +
                       std::to_string(nodes.size()) + " nodes";
    }
    return replies;
  }
  std::vector<std::string> texts;
  texts.reserve(args.size());
  for (const auto& a : args) texts.push_back(encodeArgs(a));
  return callEncoded(nodes, proc, texts, timeout);
}

std::vector<NodeReply> RpcClient::callEncoded(const std::vector<NodeTarget>& nodes,
                                              std::string_view proc,
                                              const std::vector<std::string>& argsTexts,
                                              std::optional<std::chrono::milliseconds> timeout) {
  Impl& c = *impl_;
  const auto limit = timeout.value_or(c.options.timeout);
  std::vector<NodeReply> replies(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) replies[i].node = nodes[i].name;

  struct Pending {
    std::size_t index;
    std::string key;
    std::unique_ptr<zmq::socket_t> socket;
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
      Pending p{i, poolKey(node), nullptr, c.nextId.fetch_add(1)};
      p.socket = c.checkout(node, p.key);
      const std::string bytes =
          encodeRequest(proc, argsTexts.size() == 1 ? argsTexts[0] : argsTexts[i], p.id);
      // A fresh DEALER queues the message until the connection is up.
      if (!p.socket->send(zmq::buffer(bytes), zmq::send_flags::dontwait)) {
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
    for (auto& p : pending) items.push_back({p.socket->handle(), 0, ZMQ_POLLIN, 0});
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
        (void)zmq::recv_multipart(*p.socket, std::back_inserter(frames),
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
      c.checkin(p.key, std::move(p.socket));
    }
    pending = std::move(still);
  }
  for (auto& p : pending) {
    contactError(replies[p.index], "timed out after " + util::formatDuration(limit));
  }
  return replies;
}

}  // namespace gantry::core::rpc
