// A TCP connect test, optionally from a given local address (Ganeti's
// netutils.TcpPing): cluster verify's network check, and the master's
// quick look whether a node daemon listens at all before calling it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace gantry::core::cluster {

/// True when a TCP connection from `source` (empty: any) to
/// `address`:`port` is accepted within `timeout`. IPv4 or IPv6 literals.
bool tcpPing(const std::string& source, const std::string& address, std::uint16_t port,
             std::chrono::milliseconds timeout);

}  // namespace gantry::core::cluster
