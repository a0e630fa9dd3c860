#include "core/rpc/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <chrono>
#include <cstring>
#include <deque>
#include <exception>
#include <iterator>
#include <map>
#include <thread>
#include <utility>
#include <vector>

#include <zmq.hpp>
#include <zmq_addon.hpp>

namespace gantry::core::rpc {

using sdk::Error;
using sdk::ErrorCode;
using sdk::LogLevel;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kWorkersEndpoint = "inproc://gantry-rpc-workers";
constexpr const char* kMonitorEndpoint = "inproc://gantry-rpc-monitor";
constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";
constexpr const char* kZapDomain = "gantry";
// Worker -> broker frame tags.
constexpr std::string_view kReady = "R";
constexpr std::string_view kDone = "D";

// A peer that keeps failing the handshake reconnects every few hundred
// milliseconds; one line per peer and reason per minute is enough.
class LogLimiter {
 public:
  explicit LogLimiter(std::chrono::seconds window) : window_(window) {}

  bool allow(const std::string& key) {
    const auto now = Clock::now();
    if (seen_.size() > 1000) seen_.clear();
    auto [it, inserted] = seen_.try_emplace(key, now);
    if (inserted) return true;
    if (now - it->second < window_) return false;
    it->second = now;
    return true;
  }

 private:
  std::chrono::seconds window_;
  std::map<std::string, Clock::time_point> seen_;
};

std::string z85Encode(const void* data, std::size_t size) {
  std::string out(size * 5 / 4 + 1, '\0');
  if (zmq_z85_encode(out.data(), static_cast<const std::uint8_t*>(data),
                     size) == nullptr) {
    return "";
  }
  out.resize(size * 5 / 4);
  return out;
}

std::string stripBrackets(std::string_view address) {
  if (address.size() >= 2 && address.front() == '[' && address.back() == ']') {
    address = address.substr(1, address.size() - 2);
  }
  return std::string(address);
}

const char* handshakeFailure(std::uint16_t event, std::uint32_t value) {
  if (event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL) {
    if (value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH) {
      return "security mechanism mismatch (a client without CURVE?)";
    }
    return "protocol error";
  }
  return "handshake failed";
}

}  // namespace

sdk::Result<void> validateBindAddress(std::string_view address) {
  const std::string plain = stripBrackets(address);
  if (plain.empty() || plain == "*") {
    return Error{ErrorCode::kInvalid,
                 "Refusing to bind to '" + std::string(address) +
                     "': give the node's own address"};
  }
  in_addr v4{};
  in6_addr v6{};
  if (::inet_pton(AF_INET, plain.c_str(), &v4) == 1) {
    if (v4.s_addr == htonl(INADDR_ANY)) {
      return Error{ErrorCode::kInvalid,
                   "Refusing to bind to '" + std::string(address) +
                       "': give the node's own address"};
    }
    return sdk::ok();
  }
  if (::inet_pton(AF_INET6, plain.c_str(), &v6) == 1) {
    if (std::memcmp(&v6, &in6addr_any, sizeof v6) == 0) {
      return Error{ErrorCode::kInvalid,
                   "Refusing to bind to '" + std::string(address) +
                       "': give the node's own address"};
    }
    return sdk::ok();
  }
  return Error{ErrorCode::kInvalid, "Bind address '" + std::string(address) +
                                        "' is not an IP address"};
}

std::string tcpEndpoint(std::string_view address, std::uint16_t port) {
  const std::string plain = stripBrackets(address);
  const bool v6 = plain.find(':') != std::string::npos;
  return "tcp://" + (v6 ? "[" + plain + "]" : plain) + ":" +
         std::to_string(port);
}

struct RpcServer::Impl {
  Impl(ServerOptions o, const ProcedureTable& p, const ClientAuthorizer& a)
      : options(std::move(o)), procedures(p), authorizer(a) {}

  ServerOptions options;
  const ProcedureTable& procedures;
  const ClientAuthorizer& authorizer;
  std::string endpoint;
  StopSignal stop;
  zmq::context_t context{1};
  // Created and bound by start(), then owned (and closed) by their thread.
  zmq::socket_t zap;
  zmq::socket_t frontend;
  zmq::socket_t backend;
  zmq::socket_t monitor;
  std::vector<std::thread> threads;
  bool started = false;
  bool stopped = false;

  void log(LogLevel level, std::string_view text) const {
    if (options.log) options.log(level, text);
  }

  void runZap();
  void runBroker();
  void runWorker();
  std::string serve(const std::string& peerKey, std::string_view payload) const;
  void reportMonitorEvent(LogLimiter& limiter);
};

void RpcServer::Impl::runZap() {
  LogLimiter limiter(std::chrono::seconds(60));
  while (true) {
    try {
      std::vector<zmq::message_t> frames;
      if (!zmq::recv_multipart(zap, std::back_inserter(frames))) continue;
      // version, request id, domain, address, routing id, mechanism,
      // credentials... (RFC 27)
      if (frames.size() < 6) continue;
      const std::string address = frames[3].to_string();
      const std::string mechanism = frames[5].to_string();
      std::string key;
      if (mechanism == "CURVE" && frames.size() >= 7 && frames[6].size() == 32) {
        key = z85Encode(frames[6].data(), frames[6].size());
      }
      const Access access =
          key.empty() ? Access::kDenied : authorizer.access(key);
      const bool accepted = access != Access::kDenied;
      if (!accepted && limiter.allow(address + " " + key)) {
        log(LogLevel::kWarning,
            "Rejected RPC client at " + address + ": " +
                (key.empty() ? "mechanism " + mechanism + " is not CURVE"
                             : "CURVE key " + key + " is not the cluster's key"));
      } else if (access == Access::kJoinOnly) {
        log(LogLevel::kInfo, "RPC client at " + address + " with key " + key +
                                 " admitted for joining only");
      }
      std::vector<zmq::message_t> reply;
      reply.emplace_back(std::string_view("1.0"));
      reply.push_back(std::move(frames[1]));
      reply.emplace_back(std::string_view(accepted ? "200" : "400"));
      reply.emplace_back(std::string_view(accepted ? "OK" : "Not authorized"));
      reply.emplace_back(std::string_view(accepted ? key : std::string()));
      reply.emplace_back();
      zmq::send_multipart(zap, reply);
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) continue;
      if (e.num() != ETERM) log(LogLevel::kError, std::string("ZAP handler: ") + e.what());
      break;
    }
  }
  zap.close();
}

void RpcServer::Impl::reportMonitorEvent(LogLimiter& limiter) {
  std::vector<zmq::message_t> frames;
  if (!zmq::recv_multipart(monitor, std::back_inserter(frames))) return;
  if (frames.size() < 2 || frames[0].size() < 6) return;
  std::uint16_t event = 0;
  std::uint32_t value = 0;
  std::memcpy(&event, frames[0].data(), sizeof event);
  std::memcpy(&value, static_cast<const char*>(frames[0].data()) + 2, sizeof value);
  const std::string where = frames[1].to_string();
  const char* reason = handshakeFailure(event, value);
  if (limiter.allow(where + reason)) {
    log(LogLevel::kWarning, "RPC handshake failed on " + where + ": " + reason);
  }
}

void RpcServer::Impl::runBroker() {
  LogLimiter limiter(std::chrono::seconds(60));
  std::deque<std::string> idle;
  // Each job: user id (the client key), the envelope, the payload.
  std::deque<std::vector<zmq::message_t>> pending;
  while (true) {
    try {
      zmq::pollitem_t items[] = {{frontend.handle(), 0, ZMQ_POLLIN, 0},
                                 {backend.handle(), 0, ZMQ_POLLIN, 0},
                                 {monitor.handle(), 0, ZMQ_POLLIN, 0}};
      zmq::poll(items, 3, std::chrono::milliseconds(-1));

      if (items[1].revents & ZMQ_POLLIN) {
        std::vector<zmq::message_t> frames;
        (void)zmq::recv_multipart(backend, std::back_inserter(frames));
        if (frames.size() >= 2) {
          const std::string worker = frames[0].to_string();
          if (frames[1].to_string_view() == kDone && frames.size() >= 3) {
            // A peer gone meanwhile: ROUTER drops the reply silently.
            zmq::send_multipart(frontend, std::vector<zmq::message_t>(
                                              std::make_move_iterator(frames.begin() + 2),
                                              std::make_move_iterator(frames.end())));
          }
          idle.push_back(worker);
        }
      }

      if (items[0].revents & ZMQ_POLLIN) {
        std::vector<zmq::message_t> frames;
        (void)zmq::recv_multipart(frontend, std::back_inserter(frames));
        if (frames.size() >= 2) {
          std::string peerKey;
          try {
            peerKey = frames.back().gets("User-Id");
          } catch (const zmq::error_t&) {
            // No ZAP verdict attached: treated as no key at all.
          }
          if (pending.size() >= options.maxQueuedRequests) {
            frames.back() = zmq::message_t(encodeReply(errorReply(
                std::nullopt,
                Error{ErrorCode::kTempNoResources,
                      "The node daemon is busy: " +
                          std::to_string(pending.size()) +
                          " requests are waiting; try again later"})));
            zmq::send_multipart(frontend, frames);
          } else {
            std::vector<zmq::message_t> job;
            job.reserve(frames.size() + 1);
            job.emplace_back(peerKey);
            for (auto& frame : frames) job.push_back(std::move(frame));
            pending.push_back(std::move(job));
          }
        }
      }

      if (items[2].revents & ZMQ_POLLIN) reportMonitorEvent(limiter);

      while (!idle.empty() && !pending.empty()) {
        std::vector<zmq::message_t> out;
        out.emplace_back(idle.front());
        idle.pop_front();
        for (auto& frame : pending.front()) out.push_back(std::move(frame));
        pending.pop_front();
        zmq::send_multipart(backend, out);
      }
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) continue;
      if (e.num() != ETERM) log(LogLevel::kError, std::string("RPC broker: ") + e.what());
      break;
    }
  }
  frontend.close();
  backend.close();
  monitor.close();
}

std::string RpcServer::Impl::serve(const std::string& peerKey,
                                   std::string_view payload) const {
  std::optional<std::uint64_t> id;
  try {
    CallContext context;
    context.peerKey = peerKey;
    context.access = authorizer.access(peerKey);
    context.stop = &stop;
    auto request = parseRequest(payload, options.maxMessageBytes, id);
    if (!request) {
      log(LogLevel::kWarning, "Malformed RPC request: " + request.error().message);
      return encodeReply(errorReply(id, std::move(request).error()));
    }
    if (context.access == Access::kDenied) {
      // The key was accepted at connect time but no longer is (rotated).
      return encodeReply(errorReply(
          id, Error{ErrorCode::kState,
                    "Permission denied: the client key is not the cluster's"}));
    }
    log(LogLevel::kDebug, "RPC request: " + request->proc);
    Reply reply = procedures.dispatch(*request, context);
    if (!reply.ok) {
      log(LogLevel::kInfo, "RPC " + request->proc + " failed: " + reply.error.message);
    }
    std::string bytes = encodeReply(reply);
    if (bytes.size() > options.maxMessageBytes) {
      return encodeReply(errorReply(
          id, Error{ErrorCode::kFault,
                    "Reply of " + std::to_string(bytes.size()) +
                        " bytes exceeds the limit of " +
                        std::to_string(options.maxMessageBytes) + " bytes"}));
    }
    return bytes;
  } catch (const std::exception& e) {
    return encodeReply(errorReply(
        id, Error{ErrorCode::kFault, std::string("Internal error: ") + e.what()}));
  }
}

void RpcServer::Impl::runWorker() {
  zmq::socket_t socket;
  try {
    socket = zmq::socket_t(context, zmq::socket_type::dealer);
    socket.set(zmq::sockopt::linger, 0);
    socket.connect(kWorkersEndpoint);
    socket.send(zmq::buffer(kReady), zmq::send_flags::none);
  } catch (const zmq::error_t& e) {
    if (e.num() != ETERM) log(LogLevel::kError, std::string("RPC worker: ") + e.what());
    return;
  }
  while (true) {
    try {
      std::vector<zmq::message_t> frames;
      (void)zmq::recv_multipart(socket, std::back_inserter(frames));
      if (frames.size() < 3) continue;  // user id, envelope..., payload
      std::string reply = serve(frames.front().to_string(), frames.back().to_string_view());
      std::vector<zmq::message_t> out;
      out.emplace_back(kDone);
      for (std::size_t i = 1; i + 1 < frames.size(); ++i) {
        out.push_back(std::move(frames[i]));
      }
      out.emplace_back(reply);
      zmq::send_multipart(socket, out);
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) continue;
      if (e.num() != ETERM) log(LogLevel::kError, std::string("RPC worker: ") + e.what());
      break;
    }
  }
}

RpcServer::RpcServer(ServerOptions options, const ProcedureTable& procedures,
                     const ClientAuthorizer& authorizer)
    : impl_(std::make_unique<Impl>(std::move(options), procedures, authorizer)) {}

RpcServer::~RpcServer() { stop(); }

sdk::Result<void> RpcServer::start() {
  Impl& s = *impl_;
  if (s.started) return Error{ErrorCode::kState, "RPC server already started"};
  if (auto valid = validateBindAddress(s.options.bindAddress); !valid) return valid;
  for (const auto& extra : s.options.extraBindAddresses) {
    if (auto valid = validateBindAddress(extra); !valid) return valid;
  }
  if (!isValidCurveKeyText(s.options.serverKeys.secretKey)) {
    return Error{ErrorCode::kInvalid, "The node's CURVE secret key is malformed"};
  }
  if (s.options.workers == 0) s.options.workers = 1;
  s.endpoint = tcpEndpoint(s.options.bindAddress, s.options.port);
  try {
    // The ZAP handler must be bound before the CURVE socket: without one,
    // libzmq would let every CURVE client in.
    s.zap = zmq::socket_t(s.context, zmq::socket_type::rep);
    s.zap.set(zmq::sockopt::linger, 0);
    s.zap.bind(kZapEndpoint);

    s.backend = zmq::socket_t(s.context, zmq::socket_type::router);
    s.backend.set(zmq::sockopt::linger, 0);
    s.backend.bind(kWorkersEndpoint);

    s.frontend = zmq::socket_t(s.context, zmq::socket_type::router);
    s.frontend.set(zmq::sockopt::linger, 0);
    s.frontend.set(zmq::sockopt::curve_server, true);
    s.frontend.set(zmq::sockopt::curve_secretkey, s.options.serverKeys.secretKey);
    s.frontend.set(zmq::sockopt::zap_domain, kZapDomain);
    s.frontend.set(zmq::sockopt::maxmsgsize,
                   static_cast<int64_t>(s.options.maxMessageBytes + kMessageSizeSlack));
    if (s.endpoint.find('[') != std::string::npos) s.frontend.set(zmq::sockopt::ipv6, true);
    if (zmq_socket_monitor(s.frontend.handle(), kMonitorEndpoint,
                           ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                               ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) != 0) {
      throw zmq::error_t();
    }
    s.monitor = zmq::socket_t(s.context, zmq::socket_type::pair);
    s.monitor.set(zmq::sockopt::linger, 0);
    s.monitor.connect(kMonitorEndpoint);
    std::string bound = s.endpoint;
    try {
      s.frontend.bind(s.endpoint);
      for (const auto& extra : s.options.extraBindAddresses) {
        bound = tcpEndpoint(extra, s.options.port);
        s.frontend.bind(bound);
      }
    } catch (const zmq::error_t& e) {
      s.zap.close();
      s.backend.close();
      s.monitor.close();
      s.frontend.close();
      return Error{ErrorCode::kEnvironment,
                   "Cannot bind to " + bound + ": " + e.what()};
    }
  } catch (const zmq::error_t& e) {
    s.zap.close();
    s.backend.close();
    s.monitor.close();
    s.frontend.close();
    return Error{ErrorCode::kEnvironment,
                 "Cannot set up the RPC server: " + std::string(e.what())};
  }
  s.started = true;
  s.threads.emplace_back([&s] { s.runZap(); });
  s.threads.emplace_back([&s] { s.runBroker(); });
  for (std::size_t i = 0; i < s.options.workers; ++i) {
    s.threads.emplace_back([&s] { s.runWorker(); });
  }
  s.log(LogLevel::kInfo, "Listening on " + s.endpoint + " (CURVE, " +
                             std::to_string(s.options.workers) + " workers)");
  return sdk::ok();
}

void RpcServer::stop() {
  Impl& s = *impl_;
  if (s.stopped) return;
  s.stopped = true;
  s.stop.stop();
  s.context.shutdown();
  for (auto& thread : s.threads) {
    if (thread.joinable()) thread.join();
  }
  s.threads.clear();
  s.context.close();
}

const std::string& RpcServer::endpoint() const { return impl_->endpoint; }

const StopSignal& RpcServer::stopSignal() const { return impl_->stop; }

}  // namespace gantry::core::rpc
