// The table of procedures a node daemon serves: name -> argument spec and
// handler. The table checks the arguments against the spec before the
// handler runs, so handlers read them without re-checking types, and it
// turns anything a handler throws into an error reply.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/rpc/protocol.h"
#include "core/rpc/stop_signal.h"
#include "gantry/sdk/result.h"

namespace gantry::core::rpc {

enum class ArgType {
  kString,
  kInt,         // a JSON integer (negative allowed)
  kNumber,      // integer or floating point
  kBool,
  kObject,
  kArray,
  kStringList,  // array of strings
  kStringMap,   // object whose values are strings
  kAny,
};

/// "string", "integer", "number", "boolean", "object", "array",
/// "list of strings", "object of strings", "any value".
const char* argTypeName(ArgType type) noexcept;

struct ArgSpec {
  std::string name;
  ArgType type = ArgType::kAny;
  bool required = true;
};

/// What the transport knows about the caller.
enum class Access {
  kCluster,   // holds the cluster key: every procedure
  kJoinOnly,  // the node has not joined yet: only procedures allowed before
  kDenied,    // never reaches a procedure (refused during the handshake)
};

struct CallContext {
  std::string peerKey;  // the client's CURVE public key, Z85
  Access access = Access::kDenied;
  const StopSignal* stop = nullptr;  // never null while serving
};

using Handler = std::function<sdk::Result<nlohmann::json>(
    const nlohmann::json& args, const CallContext& context)>;

struct Procedure {
  std::string name;
  std::vector<ArgSpec> args;
  Handler handler;
  /// May be called by a client that does not hold the cluster key yet
  /// (`join` only).
  bool allowedBeforeJoin = false;
};

/// Checks `args` (a JSON object) against `specs`: every required argument
/// present, every present one of the right type, no unknown ones. kInvalid
/// with e.g. "Procedure 'test_delay': argument 'duration' must be a number,
/// not string".
sdk::Result<void> validateArgs(std::string_view proc,
                               const std::vector<ArgSpec>& specs,
                               const nlohmann::json& args);

class ProcedureTable {
 public:
  /// Adds a procedure; a second one with the same name replaces the first.
  void add(Procedure procedure);
  const Procedure* find(std::string_view name) const;
  std::vector<std::string> names() const;

  /// Runs one request: unknown procedure ("Unknown procedure 'x'"),
  /// refused access, bad arguments and exceptions out of the handler
  /// ("Internal error in procedure 'x': ...") all become error replies.
  Reply dispatch(const Request& request, const CallContext& context) const;

 private:
  std::map<std::string, Procedure, std::less<>> procedures_;
};

}  // namespace gantry::core::rpc
