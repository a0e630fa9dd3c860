// Which opcodes have a logical unit yet. Every opcode of the catalog is
// accepted at submission; the master refuses to run one that nobody has
// registered, naming it (notImplementedMessage).
//
// Thread-safe; registrations normally happen once at master start-up.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gantry/sdk/result.h"

namespace gantry::core::opcodes {

/// Marks `op_id` as implemented; refused (kInvalid) if the catalog does
/// not know it. Registering twice is fine.
sdk::Result<void> registerImplemented(std::string_view op_id);
bool isImplemented(std::string_view op_id);
/// Sorted list of registered OP_IDs.
std::vector<std::string> implementedOpcodes();
/// Forgets all registrations (for tests).
void clearImplemented();

/// "Opcode OP_X is not implemented yet"
std::string notImplementedMessage(std::string_view op_id);
/// The same text as an error (kInvalid, "wrong_input").
sdk::Error notImplementedError(std::string_view op_id);

}  // namespace gantry::core::opcodes
