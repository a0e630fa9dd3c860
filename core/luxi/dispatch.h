// Master side of one client-API exchange: from the request message to the
// response text, with every failure turned into the answer Ganeti's
// clients expect.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/luxi/protocol.h"

namespace gantry::core::luxi {

/// Serves one request whose method and args are already checked. Returns
/// the result; throws EncodedError for a Ganeti error, RequestParseError
/// for a request it cannot make sense of.
using RequestHandler = std::function<Json(Method, const Request&)>;

/// parseRequest, checkRequestVersion, validateArgs, then `handler`; the
/// response text (without terminator). RequestParseError -> the plain
/// string "Failed to parse request: ..."; EncodedError -> its encoding;
/// any other std::exception -> GenericError(what()).
std::string handleMessage(std::string_view message,
                          const RequestHandler& handler);

}  // namespace gantry::core::luxi
