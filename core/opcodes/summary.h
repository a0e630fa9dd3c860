// Opcode summaries as luxid shows them in the job's `summary` field
// (Ganeti 3.1 opSummary): OP_ID without "OP_", plus "(<value>)" of the
// opcode's summary field, e.g. INSTANCE_STARTUP(instance1),
// TEST_DELAY(10000000000 ns).
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "core/opcodes/opcode.h"

namespace gantry::core::opcodes {

std::string summary(const Opcode& op);

/// Summary of a submitted dict that may be invalid (job files keep input
/// verbatim): a valid opcode gives summary(); otherwise the OP_ID minus
/// its first three characters ("OP_"), or "INVALID_OP" without a string
/// OP_ID.
std::string summaryOfInput(const nlohmann::json& input);

}  // namespace gantry::core::opcodes
