// The operator's side of a serial console relayed by the node daemon: the
// terminal in raw mode, keystrokes sent to the node as they come, the
// guest's output polled from it by a second thread, Ctrl-] to detach (the
// byte socat's escape=0x1d reacts to in Ganeti's console command).
#pragma once

#include <string>

#include "core/rpc/client.h"

namespace gantry::cli::console_relay {

/// What the node is asked for and where it is.
struct RelayedConsole {
  std::string instance;
  std::string hypervisor;
  core::rpc::NodeTarget node;
};

/// How a relayed console session ended.
enum class ConsoleOutcome {
  kDetached,      // Ctrl-], end of input or a signal: the instance runs on
  kClosed,        // the guest's console went away (the instance stopped)
  kUnsupported,   // the node has no serial socket to relay for it
};

inline constexpr char kDetachByte = 0x1d;  // Ctrl-]

/// Attaches the terminal (standard input and output) to the console of
/// `target` through its node's daemon until one of the outcomes.
/// Throws core::luxi::EncodedError for a refusal (a second client, the
/// instance not running there) or a node that stops answering.
ConsoleOutcome attachConsole(core::rpc::RpcClient& rpc, const RelayedConsole& target);

}  // namespace gantry::cli::console_relay
