// A TCP connect test from one of this node's addresses to a peer's RPC
// port (Ganeti's netutils.TcpPing with a source address): the network
// check of cluster verify.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace gantry::daemon::node {

/// True when a TCP connection from `source` (empty: any) to
/// `address`:`port` is accepted within `timeout`. IPv4 or IPv6 literals.
bool tcpPing(const std::string& source, const std::string& address, std::uint16_t port,
             std::chrono::milliseconds timeout);

}  // namespace gantry::daemon::node
