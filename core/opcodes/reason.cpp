#include "core/opcodes/reason.h"

#include <cctype>

#include <nlohmann/json.hpp>

namespace gantry::core::opcodes {

std::string opcodeReasonSource(std::string_view op_id) {
  if (op_id.substr(0, 3) == "OP_") op_id.remove_prefix(3);
  std::string out = "gnt:opcode:";
  for (char c : op_id) {
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

nlohmann::json queueReasonElement(std::string_view op_id,
                                  std::int64_t job_id, std::size_t index,
                                  std::int64_t timestamp_ns) {
  return nlohmann::json::array(
      {opcodeReasonSource(op_id),
       "job=" + std::to_string(job_id) + ";index=" + std::to_string(index),
       timestamp_ns});
}

std::int64_t reasonTimestampNs(std::int64_t sec, std::int64_t usec) {
  return sec * 1000000000LL + usec * 1000LL;
}

}  // namespace gantry::core::opcodes
