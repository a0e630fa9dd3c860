// Sizes as the gnt-* tools print and read them (Ganeti's FormatUnit and
// ParseUnit, lib/utils/text.py). Every size is in MiB.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "gantry/sdk/result.h"

namespace gantry::core::util {

/// The `--units` choices: `h` scales to M/G/T with a suffix; `m`, `g`, `t`
/// print the number alone in that unit.
enum class Unit : char {
  kHuman = 'h',
  kMebi = 'm',
  kGibi = 'g',
  kTebi = 't',
};

/// The unit for a `--units` letter ("h", "m", "g", "t"); anything else is a
/// kInvalid error "Invalid unit specified '<text>'".
sdk::Result<Unit> parseUnitLetter(std::string_view text);

/// Formats a size in MiB (Ganeti's FormatUnit):
///   kHuman: < 1024 -> "128M"; < 1048576 -> "32.0G"; else "1.3T"
///   kMebi: "32768"; kGibi: "32.0"; kTebi: "1.3" (one decimal, no suffix).
/// Rounding is printf's ("%.0f" / "%.1f"), independent of the C locale.
std::string formatUnit(double mib, Unit unit = Unit::kHuman);

/// Reads a size an operator typed (Ganeti's ParseUnit):
/// `<digits>[.<digits>][spaces][unit]`, unit m/mb/mib (the default),
/// g/gb/gib or t/tb/tib, any case. The result is in MiB, rounded up to an
/// integer and then up to a multiple of 4 ("1.3g" -> 1332, "1" -> 4).
/// Errors (kInvalid) carry Ganeti's texts: "Invalid format" and
/// "Unknown unit: <unit as typed>".
sdk::Result<std::int64_t> parseUnit(std::string_view text);

/// What parseUnitOrThrow throws; what() is parseUnit's message.
class UnitParseError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// parseUnit for code that prefers exceptions (option parsers).
std::int64_t parseUnitOrThrow(std::string_view text);

}  // namespace gantry::core::util
