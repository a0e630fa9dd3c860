#include "core/luxi/protocol.h"

#include <array>
#include <cmath>
#include <utility>

#include "core/util/json_fast_dump.h"
#include "core/util/json_fast_parse.h"

namespace gantry::core::luxi {
namespace {

struct MethodEntry {
  Method method;
  std::string_view name;
};

constexpr std::array kMethods{
    MethodEntry{Method::kSubmitJob, "SubmitJob"},
    MethodEntry{Method::kSubmitJobToDrainedQueue, "SubmitJobToDrainedQueue"},
    MethodEntry{Method::kSubmitManyJobs, "SubmitManyJobs"},
    MethodEntry{Method::kWaitForJobChange, "WaitForJobChange"},
    MethodEntry{Method::kPickupJob, "PickupJob"},
    MethodEntry{Method::kCancelJob, "CancelJob"},
    MethodEntry{Method::kArchiveJob, "ArchiveJob"},
    MethodEntry{Method::kAutoArchiveJobs, "AutoArchiveJobs"},
    MethodEntry{Method::kChangeJobPriority, "ChangeJobPriority"},
    MethodEntry{Method::kQueryJobs, "QueryJobs"},
    MethodEntry{Method::kQuery, "Query"},
    MethodEntry{Method::kQueryFields, "QueryFields"},
    MethodEntry{Method::kQueryNodes, "QueryNodes"},
    MethodEntry{Method::kQueryInstances, "QueryInstances"},
    MethodEntry{Method::kQueryGroups, "QueryGroups"},
    MethodEntry{Method::kQueryNetworks, "QueryNetworks"},
    MethodEntry{Method::kQueryExports, "QueryExports"},
    MethodEntry{Method::kQueryConfigValues, "QueryConfigValues"},
    MethodEntry{Method::kQueryClusterInfo, "QueryClusterInfo"},
    MethodEntry{Method::kQueryTags, "QueryTags"},
    MethodEntry{Method::kSetDrainFlag, "SetDrainFlag"},
    MethodEntry{Method::kSetWatcherPause, "SetWatcherPause"},
    MethodEntry{Method::kQueryFilters, "QueryFilters"},
    MethodEntry{Method::kReplaceFilter, "ReplaceFilter"},
    MethodEntry{Method::kDeleteFilter, "DeleteFilter"},
};

// nlohmann's messages start with "[json.exception.parse_error.101] ".
std::string stripJsonExceptionPrefix(const std::string& what) {
  if (!what.empty() && what[0] == '[') {
    auto end = what.find("] ");
    if (end != std::string::npos) return what.substr(end + 2);
  }
  return what;
}

// Haskell's `show` of a [String]: ["a","b"] (no spaces).
std::string haskellShowKeys(const Json& object) {
  std::string out = "[";
  bool first = true;
  for (const auto& item : object.items()) {
    if (!first) out += ",";
    first = false;
    out += haskellShowString(item.key());
  }
  return out + "]";
}

// Json::parse's result, the fast way when it can (json_fast_parse.h);
// throws Json::parse_error as Json::parse does.
Json parseMessage(std::string_view message) {
  if (auto fast = util::parseOrderedJsonFast(message)) return std::move(*fast);
  return Json::parse(message);
}

std::string dumpCompact(const Json& value) {
  return util::dumpJsonFast(value, Json::error_handler_t::replace);
}

}  // namespace

std::string_view methodName(Method method) {
  for (const auto& entry : kMethods) {
    if (entry.method == method) return entry.name;
  }
  return {};
}

std::optional<Method> methodFromName(std::string_view name) {
  for (const auto& entry : kMethods) {
    if (entry.name == name) return entry.method;
  }
  return std::nullopt;
}

const std::vector<Method>& allMethods() {
  static const std::vector<Method> methods = [] {
    std::vector<Method> out;
    for (const auto& entry : kMethods) out.push_back(entry.method);
    return out;
  }();
  return methods;
}

RequestParseError::RequestParseError(const std::string& details)
    : std::runtime_error("Failed to parse request: " + details),
      details_(details) {}

std::string encodeRequest(const Request& request) {
  Json object = Json::object();
  object["method"] = request.method;
  object["args"] = request.args;
  if (request.version) object["version"] = *request.version;
  return pythonJsonDumps(object) + "\n";
}

// By value: a query's result can be a thousand rows, moved rather than
// copied into the envelope.
std::string encodeResponse(Response response) {
  Json object = Json::object();
  object["success"] = response.success;
  object["result"] = std::move(response.result);
  if (response.version) object["version"] = *response.version;
  return dumpCompact(object);
}

std::string encodeErrorResponse(const EncodedError& error) {
  return encodeResponse(Response{false, error.encode(), std::nullopt});
}

std::string encodeParseFailure(const RequestParseError& error) {
  return encodeResponse(Response{false, Json(error.what()), std::nullopt});
}

Request parseRequest(std::string_view message) {
  Json parsed;
  try {
    parsed = parseMessage(message);
  } catch (const Json::parse_error& e) {
    throw RequestParseError("parsing top-level JSON message: " +
                            stripJsonExceptionPrefix(e.what()));
  }
  if (!parsed.is_object()) {
    throw RequestParseError(
        "parsing top-level JSON message: Unable to read JSObject");
  }
  for (const char* key : {"method", "args"}) {
    if (!parsed.contains(key)) {
      throw RequestParseError(std::string("key '") + key +
                              "' not found, object contains only " +
                              haskellShowKeys(parsed));
    }
  }
  const Json& method = parsed["method"];
  if (!method.is_string()) {
    throw RequestParseError(
        "Unable to parse LUXI request method: Can't parse value for "
        "'LuxiReq': Unable to read String");
  }
  const auto& name = method.get_ref<const std::string&>();
  if (!methodFromName(name)) {
    throw RequestParseError(
        "Unable to parse LUXI request method: Invalid string value for type "
        "LuxiReq: " +
        haskellShowString(name));
  }
  Request request;
  request.method = name;
  request.args = parsed["args"];
  if (parsed.contains("version") && !parsed["version"].is_null()) {
    const Json& version = parsed["version"];
    if (version.is_number_integer()) {
      request.version = version.get<std::int64_t>();
    } else if (version.is_number_float() &&
               version.get<double>() == std::trunc(version.get<double>())) {
      request.version = static_cast<std::int64_t>(version.get<double>());
    } else {
      // Not a version number at all: refused like any foreign version.
      request.version = -1;
    }
  }
  return request;
}

void checkRequestVersion(const Request& request) {
  if (!request.version) return;
  std::int64_t v = *request.version;
  if (v < kMinClientVersion || v > kMaxClientVersion) {
    throw luxiError("LUXI version mismatch, server " +
                    std::to_string(kProtocolVersion) + ", request " +
                    std::to_string(v));
  }
}

Response parseResponse(std::string_view message) {
  Json parsed;
  try {
    parsed = parseMessage(message);
  } catch (const Json::parse_error& e) {
    throw protocolError("Error while deserializing response: " +
                        stripJsonExceptionPrefix(e.what()));
  }
  if (!parsed.is_object() || !parsed.contains("success") ||
      !parsed.contains("result")) {
    throw protocolError("Invalid response from server: " +
                        pythonRepr(parsed));
  }
  Response response;
  // Python tests truthiness; JSON booleans are what servers send.
  const Json& success = parsed["success"];
  response.success = success.is_boolean() ? success.get<bool>()
                                          : !(success.is_null() ||
                                              success == Json(0) ||
                                              success == Json(""));
  response.result = std::move(parsed["result"]);  // a query's rows: no copy
  if (parsed.contains("version") && parsed["version"].is_number_integer()) {
    response.version = parsed["version"].get<std::int64_t>();
  }
  return response;
}

Json resultOrThrow(Response response, std::optional<std::int64_t> clientVersion) {
  if (response.version && response.version != clientVersion) {
    throw luxiError(
        "RPC version mismatch, client " +
        (clientVersion ? std::to_string(*clientVersion) : std::string("None")) +
        ", response " + std::to_string(*response.version));
  }
  if (response.success) return std::move(response.result);
  if (auto error = EncodedError::decode(response.result)) throw *error;
  throw requestError(response.result);
}

}  // namespace gantry::core::luxi
