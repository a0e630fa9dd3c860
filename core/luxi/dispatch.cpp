#include "core/luxi/dispatch.h"

#include <exception>

#include "core/luxi/request_args.h"

namespace gantry::core::luxi {

std::string handleMessage(std::string_view message,
                          const RequestHandler& handler) {
  try {
    Request request = parseRequest(message);
    checkRequestVersion(request);
    Method method = *methodFromName(request.method);
    validateArgs(method, request.args);
    return encodeResponse(
        Response{true, handler(method, request), std::nullopt});
  } catch (const RequestParseError& e) {
    return encodeParseFailure(e);
  } catch (const EncodedError& e) {
    return encodeErrorResponse(e);
  } catch (const std::exception& e) {
    return encodeErrorResponse(genericError(e.what()));
  }
}

}  // namespace gantry::core::luxi
