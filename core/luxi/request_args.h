// Argument shapes of every client-API method (lib/luxi.py,
// src/Ganeti/Luxi.hs decodeLuxiCall). The master validates a request's
// args before dispatching; a bad shape is a RequestParseError whose details
// follow Ganeti's: "Cannot convert value '<args>', error: <reason>" with
// reasons such as "Unable to read Triple", "Unable to read Pair",
// "Unable to read list", "Unable to read String", "Unable to read Bool".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/luxi/json_text.h"
#include "core/luxi/protocol.h"
#include "core/query/language.h"

namespace gantry::core::luxi {

/// Throws RequestParseError if `args` does not fit the method. Opcode
/// contents (SubmitJob) are not checked here, only that each is an object.
/// SetWatcherPause accepts anything (Ganeti reads an unusable argument as
/// "no pause"); QueryClusterInfo ignores its args.
void validateArgs(Method method, const Json& args);

/// A job id argument: an integer or a decimal string ("42"). Throws
/// RequestParseError-ready text via std::invalid_argument:
/// "parsing job id: cannot parse string 'abc'",
/// "Invalid value for job ID ' -1'".
std::int64_t parseJobIdArg(const Json& value);

/// Decoded `Query` args.
struct QueryArgs {
  std::string what;  // "node", "instance", "group", "network", "job", ...
  std::vector<std::string> fields;
  query::Filter filter;
};
/// Decodes and checks `[what, fields, qfilter]`; throws RequestParseError
/// ("Cannot convert value '[\"extstorage\", [\"name\"], null]', error:
/// Can't parse value 'extstorage' as neitherQueryTypeLuxi nor QueryTypeOp",
/// filter parse errors, ...).
QueryArgs decodeQueryArgs(const Json& args);

/// Decoded `QueryFields` args: `[what, null or fields]`.
struct QueryFieldsArgs {
  std::string what;
  std::vector<std::string> fields;  // empty: all fields
};
QueryFieldsArgs decodeQueryFieldsArgs(const Json& args);

/// Decoded `WaitForJobChange` args (exactly five).
struct WaitForJobChangeArgs {
  std::int64_t jobId = 0;
  std::vector<std::string> fields;
  Json prevJobInfo;    // null or the previous field values
  Json prevLogSerial;  // null or the highest serial seen (any JSON)
  int timeout = 0;     // seconds, as sent (the master caps it)
};
/// Throws RequestParseError "Parsing WaitForJobChange message: Not enough
/// values" / "... parsing job id: cannot parse string 'abc'".
WaitForJobChangeArgs decodeWaitForJobChangeArgs(const Json& args);

/// Resource names `Query` accepts (Ganeti's QR_VIA_LUXI and the opcode-only
/// kinds "cluster" and "os").
bool isQueryResource(std::string_view what);

}  // namespace gantry::core::luxi
