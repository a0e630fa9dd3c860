// The master->node wire format: one JSON object per ZeroMQ message.
//   request  {"proc": "node_info", "args": {...}, "id": 7}
//   success  {"id": 7, "ok": true, "result": ...}
//   failure  {"id": 7, "ok": false, "error": {"code": "wrong_input", "msg": "..."}}
// "code" is one of Ganeti's ECODE strings (sdk::errorCodeName); "id" is
// null when the request was too broken to read one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "gantry/sdk/result.h"

namespace gantry::core::rpc {

/// Bumped when a procedure changes meaning; `version` reports it.
inline constexpr int kProtocolVersion = 1;
/// The node daemon's TCP port (Ganeti's noded port).
inline constexpr std::uint16_t kDefaultPort = 1811;
/// Largest request or reply, in bytes, before any parsing.
inline constexpr std::size_t kDefaultMaxMessageBytes = std::size_t{64} << 20;

struct Request {
  std::string proc;
  nlohmann::json args = nlohmann::json::object();
  std::uint64_t id = 0;
};

struct Reply {
  std::optional<std::uint64_t> id;
  bool ok = false;
  nlohmann::json result;  // when ok
  sdk::Error error;       // when !ok
};

std::string encodeRequest(const Request& request);
/// The arguments' text as encodeRequest writes it, and the request around
/// an arguments text: a call to many nodes with the same arguments (a
/// config upload of megabytes) encodes them once.
std::string encodeArgs(const nlohmann::json& args);
std::string encodeRequest(std::string_view proc, std::string_view argsText, std::uint64_t id);

/// Reads a request. Errors are kInvalid with texts the caller sends back:
///   "Request of N bytes exceeds the limit of M bytes"
///   "Request is not valid JSON: <parser message>"
///   "Request must be a JSON object" / "Request has no procedure name"
///   "Request field 'id' must be a non-negative integer"
///   "Arguments of procedure '<p>' must be a JSON object"
/// `id` is set whenever the message carried a usable one, even when the
/// request is refused, so the error reply can name it.
sdk::Result<Request> parseRequest(std::string_view bytes, std::size_t maxBytes,
                                  std::optional<std::uint64_t>& id);

/// A reply as bytes. Text that is not valid UTF-8 is sent with U+FFFD in
/// place of the bad bytes rather than failing.
std::string encodeReply(const Reply& reply);
Reply successReply(std::optional<std::uint64_t> id, nlohmann::json result);
Reply errorReply(std::optional<std::uint64_t> id, sdk::Error error);

/// Reads a reply (client side); kInvalid "Malformed reply: ..." for
/// anything that is not one.
sdk::Result<Reply> parseReply(std::string_view bytes);

}  // namespace gantry::core::rpc
