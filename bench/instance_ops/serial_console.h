// A kvm guest's serial console read straight from its unix socket on the
// node, to see when the guest is up (its readiness line); and the
// connection helper the benchmark's QMP client shares.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

namespace gantry::bench {

/// A connected unix stream socket to `path`, retrying until it appears
/// (qemu makes its sockets as it starts); -1 at the deadline. The caller
/// closes it.
int connectUnixSocket(const std::filesystem::path& path, std::chrono::milliseconds timeout);

/// Connects to `socket` (retrying until it appears) and reads until a line
/// containing `text` arrives; false at the deadline. Every call is a new
/// connection, so only what the guest prints from then on counts.
bool waitForConsoleText(const std::filesystem::path& socket, const std::string& text,
                        std::chrono::milliseconds timeout);

}  // namespace gantry::bench
