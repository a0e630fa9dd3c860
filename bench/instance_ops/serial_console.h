// A kvm guest's serial console read straight from its unix socket on the
// node, to see when the guest is up (its readiness line).
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

namespace gantry::bench {

/// Connects to `socket` (retrying until it appears) and reads until a line
/// containing `text` arrives; false at the deadline. Every call is a new
/// connection, so only what the guest prints from then on counts.
bool waitForConsoleText(const std::filesystem::path& socket, const std::string& text,
                        std::chrono::milliseconds timeout);

}  // namespace gantry::bench
