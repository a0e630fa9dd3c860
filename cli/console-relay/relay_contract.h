// How `gnt-instance console` and `gantry-console-relay` work together: the
// command asks the master where the instance runs, then runs the relay
// (found next to its own executable) with the operator's terminal. The
// relay alone holds the cluster key and the RPC library, so no other
// command loads them.
//
//   gantry-console-relay INSTANCE HYPERVISOR NODE ADDRESS
//
// Exit 0: the operator detached, or the console closed (the relay says so);
// kRelayUnsupportedExit: the node cannot relay this instance's console, the
// caller falls back to ssh; any other code: an error the relay printed.
#pragma once

namespace gantry::cli::console_relay {

inline constexpr const char* kRelayBinary = "gantry-console-relay";
inline constexpr int kRelayUnsupportedExit = 3;

}  // namespace gantry::cli::console_relay
