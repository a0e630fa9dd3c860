// Errors as values. Nothing thrown inside a plugin may cross the .so edge:
// every SDK method returns Result<T>, whose error carries one of Ganeti's
// error codes and a message a CLI can print as it is.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "gantry/sdk/visibility.h"

namespace gantry::sdk {

/// Ganeti's ECODE_* classes, plus kUnsupported for optional plugin methods.
/// The wire names (errorCodeName) never change meaning.
enum class ErrorCode {
  kResolver,        // "resolver_error": a name cannot be resolved
  kNoResources,     // "insufficient_resources"
  kTempNoResources, // "temp_insufficient_resources"
  kInvalid,         // "wrong_input": bad parameters or arguments
  kState,           // "wrong_state": e.g. instance already running
  kNotFound,        // "unknown_entity"
  kExists,          // "already_exists"
  kNotUnique,       // "resource_not_unique"
  kFault,           // "internal_error"
  kEnvironment,     // "environment_error": the node's environment is wrong
  kUnsupported,     // "unsupported": the plugin does not offer this method
};

/// Ganeti's wire string for a code ("wrong_input", ...).
GANTRY_SDK_API const char* errorCodeName(ErrorCode code) noexcept;
/// The code for a wire string; kFault for anything unknown.
GANTRY_SDK_API ErrorCode errorCodeFromName(std::string_view name) noexcept;

struct Error {
  ErrorCode code = ErrorCode::kFault;
  std::string message;

  Error() = default;
  Error(ErrorCode c, std::string msg) : code(c), message(std::move(msg)) {}
};

/// A value or an Error; C++20 has no std::expected.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(state_); }
  Error&& error() && { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}

  bool ok() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return ok(); }
  const Error& error() const& { return error_; }
  Error&& error() && { return std::move(error_); }

 private:
  Error error_;
  bool failed_ = false;
};

/// `return ok();` from a Result<void> function.
inline Result<void> ok() { return {}; }

}  // namespace gantry::sdk
