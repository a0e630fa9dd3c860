// Reading the small text files a node keeps (keys, tokens, ssconf values)
// with a size cap, so a huge or special file cannot exhaust memory.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "gantry/sdk/result.h"

namespace gantry::core::rpc {

/// The whole file, at most `maxBytes`. Errors (kEnvironment) name the file:
/// "Cannot read <path>: No such file or directory", "... is larger than N
/// bytes". kNotFound when it does not exist, so callers can tell "absent".
sdk::Result<std::string> readSmallFile(const std::filesystem::path& path,
                                       std::size_t maxBytes);

/// `text` without trailing spaces, tabs and newlines.
std::string trimRight(std::string text);

}  // namespace gantry::core::rpc
