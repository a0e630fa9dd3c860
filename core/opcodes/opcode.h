// A validated opcode: the submitted dict (kept verbatim for the job file)
// plus its parameters with defaults filled in and typed accessors.
//
// Validation follows Ganeti 3.1 (luxid parses opcodes when a job is
// submitted) and accepts what 3.0.2 clients send. Refusals are
// OpPrereqError-style: sdk::Error with ErrorCode::kInvalid ("wrong_input")
// and a message naming the opcode and the parameter, e.g.
//   Parameter 'OP_TEST_DELAY.duration' fails validation: missing required parameter
//   Parameter 'OP_TEST_DELAY.repeat' fails validation: expected int >= 0, got int -1
//   Opcode OP_TEST_DELAY doesn't support the parameter 'bogus'
//   Invalid data to LoadOpCode: OP_ID OP_NOPE unsupported
//
// Leniency (documented differences from luxid): a missing `reason` is
// taken as [] (luxid refuses the job; Python's opcode class defaults it
// to [] too); null for a parameter that has a default means the default.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "core/opcodes/definitions.h"
#include "gantry/sdk/result.h"

namespace gantry::core::opcodes {

/// Submit priorities (Ganeti OP_PRIO_*); the queue may lower a running
/// opcode's priority down to kPriorityHighest (internal range -20..19).
inline constexpr int kPriorityHigh = -10;
inline constexpr int kPriorityNormal = 0;
inline constexpr int kPriorityLow = 10;
inline constexpr int kPriorityHighest = -20;
inline constexpr int kPriorityLowest = 19;

class Opcode {
 public:
  const std::string& id() const;
  const OpcodeDef& definition() const;

  /// The dict as submitted, byte-for-byte the same JSON value.
  const nlohmann::json& input() const;
  /// Parameters (common ones included, OP_ID excluded) with defaults
  /// filled; optional parameters stay absent when not given; legacy
  /// parameters appear only if given.
  const nlohmann::json& params() const;

  /// True if the parameter is present and not null (after defaults).
  bool has(std::string_view name) const;
  /// The value; throws std::out_of_range if absent (a programming error:
  /// use has() or the opt* accessors for optional parameters).
  const nlohmann::json& get(std::string_view name) const;
  bool getBool(std::string_view name) const;
  std::int64_t getInt(std::string_view name) const;
  double getDouble(std::string_view name) const;  // ints convert
  std::string getString(std::string_view name) const;
  std::optional<bool> optBool(std::string_view name) const;
  std::optional<std::int64_t> optInt(std::string_view name) const;
  std::optional<double> optDouble(std::string_view name) const;
  std::optional<std::string> optString(std::string_view name) const;

  // Common parameters.
  bool dryRun() const;                        // absent = false
  std::optional<std::int64_t> debugLevel() const;
  int priority() const;                       // -10, 0 or 10
  /// [[job_id, [status...]]...]; empty array when absent.
  const nlohmann::json& depends() const;
  std::optional<std::string> comment() const;
  /// The reason trail; [] when it was not submitted.
  const nlohmann::json& reason() const;

  /// For the job file: the input, verbatim.
  nlohmann::json toJson() const;

 private:
  struct Data;
  friend sdk::Result<Opcode> parseOpcode(const nlohmann::json& input);
  explicit Opcode(std::shared_ptr<const Data> data);
  std::shared_ptr<const Data> data_;
};

/// Validates one opcode dict against the embedded catalog.
sdk::Result<Opcode> parseOpcode(const nlohmann::json& input);

/// Ganeti's refusal text for a parameter:
/// "Parameter 'OP_X.name' fails validation: <why>".
std::string paramFailureMessage(std::string_view op_id,
                                std::string_view param, std::string_view why);

}  // namespace gantry::core::opcodes
