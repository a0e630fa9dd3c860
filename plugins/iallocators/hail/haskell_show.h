// Text as htools' derived Show instances print it. Some of hail's failure
// messages embed `show` of a model value (the groups a change-group could
// not use, for one); Ganeti's clients log those messages verbatim, so an
// answer is only "the same" when these bytes are.
#pragma once

#include <string>
#include <string_view>

#include "gantry/sdk/allocator/model.h"

namespace gantry::plugins::hail {
namespace alloc = gantry::sdk::allocator;

/// A String literal as Haskell's `show` writes it: quotes, backslash
/// escapes, control characters by their ASCII names, code points above
/// 126 in decimal (with "\&" where a digit follows).
std::string haskellShowString(std::string_view utf8);

/// A Double as Haskell's `show` writes it: the shortest digits that read
/// back to the same value, fixed notation for 0.1 <= |x| < 10^7 ("1.0",
/// "0.5"), exponent notation otherwise ("1.0e-2", "1.5e7").
std::string haskellShowDouble(double value);

/// A node group as htools' `show` of a Group record writes it, ipolicy
/// included.
std::string haskellShowGroup(const alloc::Group& group);

}  // namespace gantry::plugins::hail
