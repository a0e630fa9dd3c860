// Client-API messages (Ganeti's LUXI): a request is
// `{"method": <name>, "args": [...], "version": <int>}`, a response
// `{"success": <bool>, "result": <value>}`. Error results are either an
// encoded exception (errors.h) or, for a request the master cannot parse,
// the plain string "Failed to parse request: <details>".
//
// Version policy: Ganeti's luxid ignores the request's `version`. The
// master here checks it when present: clients of the 3.0 and 3.1 protocol
// (3000000..3019999) are served; any other version is refused with
// LuxiError "LUXI version mismatch, server 3010000, request <r>" (the text
// Ganeti 2.x masterd used, which the CLI prints as
// "Unhandled Ganeti error: LUXI version mismatch, ..."). A request without
// `version` (or with null) is served.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/luxi/errors.h"
#include "core/luxi/json_text.h"

namespace gantry::core::luxi {

/// The protocol version this side speaks (Ganeti 3.1: 1000000*major +
/// 10000*minor).
inline constexpr std::int64_t kProtocolVersion = 3010000;
/// Request versions the master serves (3.0.x and 3.1.x clients).
inline constexpr std::int64_t kMinClientVersion = 3000000;
inline constexpr std::int64_t kMaxClientVersion = 3019999;

/// Ganeti's LUXI_DEF_RWTO (180 s) and LUXI_WFJC_TIMEOUT ((180-1)/2 = 89 s):
/// the longest WaitForJobChange wait, and the AutoArchiveJobs timeout the
/// CLI sends.
inline constexpr int kDefaultReadWriteTimeoutSeconds = 180;
inline constexpr int kWaitForJobChangeTimeoutSeconds = 89;

enum class Method {
  kSubmitJob,
  kSubmitJobToDrainedQueue,
  kSubmitManyJobs,
  kWaitForJobChange,
  kPickupJob,
  kCancelJob,
  kArchiveJob,
  kAutoArchiveJobs,
  kChangeJobPriority,
  kQueryJobs,
  kQuery,
  kQueryFields,
  kQueryNodes,
  kQueryInstances,
  kQueryGroups,
  kQueryNetworks,
  kQueryExports,
  kQueryConfigValues,
  kQueryClusterInfo,
  kQueryTags,
  kSetDrainFlag,
  kSetWatcherPause,
  kQueryFilters,
  kReplaceFilter,
  kDeleteFilter,
};

/// The wire name ("SubmitJob", ...).
std::string_view methodName(Method method);
/// The method for a wire name; nullopt for unknown names.
std::optional<Method> methodFromName(std::string_view name);
/// Every method, in the order of the enum.
const std::vector<Method>& allMethods();

struct Request {
  std::string method;
  Json args = Json::array();
  std::optional<std::int64_t> version;  // absent: not sent
};

struct Response {
  bool success = false;
  Json result;
  std::optional<std::int64_t> version;  // the master never sends it
};

/// A request the master cannot parse; what() is the whole text the master
/// answers ("Failed to parse request: <details>"), details() the part
/// after the prefix.
class RequestParseError : public std::runtime_error {
 public:
  explicit RequestParseError(const std::string& details);
  const std::string& details() const noexcept { return details_; }

 private:
  std::string details_;
};

/// Request text as Ganeti's Python client writes it (json.dumps layout,
/// `{"method": ..., "args": ..., "version": ...}` + "\n"); frame it with
/// frameMessage before sending.
std::string encodeRequest(const Request& request);

/// Response text as the master writes it: compact JSON,
/// `{"success":true,"result":...}`, key order of objects kept.
std::string encodeResponse(Response response);
/// `{"success":false,"result":["Class",[args]]}`.
std::string encodeErrorResponse(const EncodedError& error);
/// `{"success":false,"result":"Failed to parse request: <details>"}`.
std::string encodeParseFailure(const RequestParseError& error);

/// Master side: the request in one message (terminator removed; leading
/// and trailing whitespace allowed). Checks the top-level shape and the
/// method name only; argument shapes are validateArgs's job. Throws
/// RequestParseError with Ganeti's details:
///   "parsing top-level JSON message: <reason>",
///   "key 'method' not found, object contains only [\"args\"]",
///   "Unable to parse LUXI request method: Invalid string value for type
///    LuxiReq: \"Foo\"".
Request parseRequest(std::string_view message);

/// Master side: the version policy above. Throws EncodedError (LuxiError)
/// for a refused version.
void checkRequestVersion(const Request& request);

/// Client side: the response in one message. Throws EncodedError
/// ProtocolError ("Error while deserializing response: ...",
/// "Invalid response from server: <repr>").
Response parseResponse(std::string_view message);

/// Client side: the result of a successful response, or the error a failed
/// one carries, thrown: a decodable encoded exception as itself, anything
/// else as RequestError(result). A response `version` that differs from
/// `clientVersion` throws LuxiError "RPC version mismatch, client <c>,
/// response <r>".
Json resultOrThrow(Response response, std::optional<std::int64_t> clientVersion);

}  // namespace gantry::core::luxi
