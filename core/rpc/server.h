// The node side of the RPC transport: a ZeroMQ ROUTER socket bound to the
// node's own address, CURVE-encrypted with the node's server key pair, a
// ZAP handler that admits only the keys the ClientAuthorizer accepts, and a
// pool of worker threads behind a broker, so one slow procedure does not
// hold up the others. Peers that fail the handshake never get an answer;
// authenticated peers always do, malformed requests included.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/rpc/authorizer.h"
#include "core/rpc/keys.h"
#include "core/rpc/procedures.h"
#include "core/rpc/protocol.h"
#include "core/rpc/stop_signal.h"
#include "gantry/sdk/host.h"
#include "gantry/sdk/result.h"

namespace gantry::core::rpc {

using LogFunction = std::function<void(sdk::LogLevel, std::string_view)>;

struct ServerOptions {
  /// An IP address of this node; never a wildcard (validateBindAddress).
  std::string bindAddress;
  /// More addresses of this node served on the same port (a node's
  /// secondary address); same rules as bindAddress.
  std::vector<std::string> extraBindAddresses;
  std::uint16_t port = kDefaultPort;
  CurveKeyPair serverKeys;
  /// Requests served at the same time; more wait in a queue.
  std::size_t workers = 8;
  /// Longest request answered (larger ones get an error reply); ZeroMQ cuts
  /// off a peer whose message exceeds this by more than kMessageSizeSlack.
  std::size_t maxMessageBytes = kDefaultMaxMessageBytes;
  /// Requests waiting for a worker; beyond that they get a "busy" error.
  std::size_t maxQueuedRequests = 1024;
  /// Daemon log; may be called from any of the server's threads.
  LogFunction log;
};

/// How much past maxMessageBytes a request may be and still be read (to
/// answer it with an error) rather than dropped by ZeroMQ.
inline constexpr std::size_t kMessageSizeSlack = std::size_t{1} << 20;

/// kInvalid unless `address` is an IPv4 or IPv6 literal that is not a
/// wildcard: "0.0.0.0", "*", "::" are refused ("Refusing to bind to
/// '0.0.0.0': give the node's own address").
sdk::Result<void> validateBindAddress(std::string_view address);

/// "tcp://127.0.0.1:1811", "tcp://[::1]:1811".
std::string tcpEndpoint(std::string_view address, std::uint16_t port);

class RpcServer {
 public:
  /// `procedures` and `authorizer` must outlive the server.
  RpcServer(ServerOptions options, const ProcedureTable& procedures,
            const ClientAuthorizer& authorizer);
  /// stop().
  ~RpcServer();
  RpcServer(const RpcServer&) = delete;
  RpcServer& operator=(const RpcServer&) = delete;

  /// Binds and starts the threads. Errors: a refused address (kInvalid),
  /// bad keys (kInvalid), "Cannot bind to tcp://...: Address already in
  /// use" (kEnvironment). Call once.
  sdk::Result<void> start();
  /// Wakes procedures waiting on stopSignal(), shuts the ZeroMQ context
  /// down and joins every thread. Requests being served finish first.
  /// Idempotent.
  void stop();

  const std::string& endpoint() const;
  const StopSignal& stopSignal() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gantry::core::rpc
