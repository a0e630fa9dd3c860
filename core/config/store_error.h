// Errors of the config store: loading, committing, writing config.data.
#pragma once

#include <stdexcept>
#include <string>

#include "gantry/sdk/result.h"

namespace gantry::core::config {

/// A config store failure with one of Ganeti's error classes:
/// kInvalid for a bad change (wrong path), kEnvironment for files that
/// cannot be loaded (wrong version, torn JSON, foreign modification).
/// Write failures of the files themselves are util::FileWriteError.
class ConfigStoreError : public std::runtime_error {
 public:
  ConfigStoreError(sdk::ErrorCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}

  sdk::ErrorCode code() const noexcept { return code_; }

 private:
  sdk::ErrorCode code_;
};

}  // namespace gantry::core::config
