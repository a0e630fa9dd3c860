// Ganeti's exceptions as they cross the client API: an error result is
// `["ClassName", [args...]]` and clients re-raise it as the named class
// (lib/errors.py EncodeException / GetEncodedError). One C++ type carries
// any of them; the class name decides how the CLI prints it (cli_errors.h).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/luxi/json_text.h"

namespace gantry::core::luxi {

/// Ganeti's OpPrereqError codes (ECODE_*), the second argument of
/// OpPrereqError.
inline constexpr std::string_view kEcodeResolver = "resolver_error";
inline constexpr std::string_view kEcodeNoRes = "insufficient_resources";
inline constexpr std::string_view kEcodeTempNoRes =
    "temp_insufficient_resources";
inline constexpr std::string_view kEcodeInval = "wrong_input";
inline constexpr std::string_view kEcodeState = "wrong_state";
inline constexpr std::string_view kEcodeNoEnt = "unknown_entity";
inline constexpr std::string_view kEcodeExists = "already_exists";
inline constexpr std::string_view kEcodeNotUnique = "resource_not_unique";
inline constexpr std::string_view kEcodeFault = "internal_error";
inline constexpr std::string_view kEcodeEnviron = "environment_error";

/// One Ganeti exception: class name plus positional arguments (any JSON).
/// Thrown inside a process; encode() turns it into the wire value.
/// what() is Python's str(err), the text after "Failure: ...:" prefixes.
class EncodedError : public std::runtime_error {
 public:
  EncodedError(std::string className, Json args);

  const std::string& className() const noexcept { return className_; }
  /// Always a JSON array.
  const Json& args() const noexcept { return args_; }
  /// First argument as a string ("" when there is none or it is no string).
  std::string firstArg() const;

  /// True if the class is `base` or derives from it in Ganeti's hierarchy
  /// (`isA("GenericError")` holds for every known class; JobQueueFull
  /// isA("JobQueueError")). Unknown class names are only themselves.
  bool isA(std::string_view base) const;

  /// `["ClassName", [args...]]`.
  Json encode() const;

  /// The error for an error result, if it is an encoded exception of a
  /// class a Ganeti client re-raises (lib/errors.py: GenericError and its
  /// subclasses); otherwise nullopt. Client-side transport classes
  /// (ProtocolError, NoMasterError, ...) are never decoded from the wire.
  static std::optional<EncodedError> decode(const Json& value);

 private:
  std::string className_;
  Json args_;
};

/// Python's str() of an exception with these args: "" for none, str(arg)
/// for one, the tuple's repr for more (`('a', 'b')`).
std::string pythonExceptionStr(const Json& args);

/// Parent class in Ganeti's hierarchy ("" for GenericError and unknown
/// names). Covers lib/errors.py and the client transport errors of
/// lib/rpc/errors.py.
std::string_view parentClass(std::string_view className);

/// True for class names lib/errors.py defines under GenericError, the ones
/// a client re-raises from an error result.
bool isWireErrorClass(std::string_view className);

// Builders for the classes the master raises most.
EncodedError opPrereqError(std::string message,
                           std::string_view ecode = kEcodeInval);
EncodedError opExecError(std::string message);
EncodedError genericError(std::string message);
EncodedError parameterError(std::string message);
EncodedError programmerError(std::string message);
EncodedError configurationError(std::string message);
EncodedError jobLost(std::string message);
EncodedError luxiError(std::string message);
EncodedError jobQueueFull();
EncodedError jobQueueDrainError();
EncodedError queryFilterParseError(std::string message);

// Client-side transport failures (lib/rpc/errors.py), raised by Client.
/// The socket is missing or refuses connections; arg: the socket path.
EncodedError noMasterError(std::string socketPath);
/// Connect or receive timeout; arg: "Connect timed out", "Receive timeout".
EncodedError timeoutError(std::string message);
/// Permission denied on the socket; arg: the socket path.
EncodedError permissionError(std::string socketPath);
/// Malformed or unexpected answer.
EncodedError protocolError(std::string message);
/// The peer closed the connection.
EncodedError connectionClosedError(std::string message);
/// An error result that is not an encoded exception (e.g. the plain string
/// "Failed to parse request: ..."); arg: the result as received.
EncodedError requestError(Json result);

}  // namespace gantry::core::luxi
