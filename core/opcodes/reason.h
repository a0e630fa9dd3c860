// Reason trail helpers. A trail is a JSON list of
// [source, text, timestamp_ns] elements, oldest first.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace gantry::core::opcodes {

/// "gnt:opcode:<op_id lowercased without OP_>", e.g. gnt:opcode:test_delay.
std::string opcodeReasonSource(std::string_view op_id);

/// The element the queue appends to each submitted opcode:
/// ["gnt:opcode:<op>", "job=<id>;index=<i>", <timestamp_ns>].
nlohmann::json queueReasonElement(std::string_view op_id,
                                  std::int64_t job_id, std::size_t index,
                                  std::int64_t timestamp_ns);

/// Ganeti's ns from a [sec, usec] timestamp: sec * 10^9 + usec * 1000.
std::int64_t reasonTimestampNs(std::int64_t sec, std::int64_t usec);

}  // namespace gantry::core::opcodes
