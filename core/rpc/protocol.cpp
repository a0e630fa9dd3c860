#include "core/rpc/protocol.h"

#include <utility>

#include "core/util/json_fast_dump.h"
#include "core/util/json_fast_parse.h"

namespace gantry::core::rpc {

using nlohmann::json;
using sdk::Error;
using sdk::ErrorCode;

namespace {

Error invalid(std::string message) {
  return Error{ErrorCode::kInvalid, std::move(message)};
}

std::optional<std::uint64_t> readId(const json& value) {
  if (value.is_number_unsigned()) return value.get<std::uint64_t>();
  if (value.is_number_integer() && value.get<std::int64_t>() >= 0) {
    return static_cast<std::uint64_t>(value.get<std::int64_t>());
  }
  return std::nullopt;
}

std::string dump(const json& value) {
  return util::dumpJsonFast(value, json::error_handler_t::replace);
}

// The message as nlohmann's parse gives it, discarded when invalid: the
// fast path first, nlohmann for what it leaves (see json_fast_parse.h).
json parseMessage(std::string_view bytes) {
  if (auto doc = util::parseJsonFast(bytes)) return std::move(*doc);
  return json::parse(bytes.begin(), bytes.end(), nullptr, false);
}

}  // namespace

std::string encodeArgs(const json& args) {
  return args.is_null() ? std::string("{}") : dump(args);
}

// The same text as dumping {"proc", "args", "id"} (keys in sorted order).
std::string encodeRequest(std::string_view proc, std::string_view argsText, std::uint64_t id) {
  std::string out;
  out.reserve(argsText.size() + proc.size() + 48);
  out += "{\"args\":";
  out += argsText;
  out += ",\"id\":";
  out += std::to_string(id);
  out += ",\"proc\":";
  out += dump(json(std::string(proc)));
  out += '}';
  return out;
}

std::string encodeRequest(const Request& request) {
  return encodeRequest(request.proc, encodeArgs(request.args), request.id);
}

sdk::Result<Request> parseRequest(std::string_view bytes, std::size_t maxBytes,
                                  std::optional<std::uint64_t>& id) {
  id.reset();
  if (bytes.size() > maxBytes) {
    return invalid("Request of " + std::to_string(bytes.size()) +
                   " bytes exceeds the limit of " + std::to_string(maxBytes) +
                   " bytes");
  }
  json doc = parseMessage(bytes);
  if (doc.is_discarded()) {
    // Parse again for the parser's own words: where it went wrong.
    try {
      [[maybe_unused]] const json unused = json::parse(bytes.begin(), bytes.end());
    } catch (const json::parse_error& e) {
      return invalid(std::string("Request is not valid JSON: ") + e.what());
    }
    return invalid("Request is not valid JSON");
  }
  if (!doc.is_object()) return invalid("Request must be a JSON object");
  if (auto it = doc.find("id"); it != doc.end()) {
    id = readId(*it);
    if (!id) return invalid("Request field 'id' must be a non-negative integer");
  }
  Request request;
  request.id = id.value_or(0);
  auto proc = doc.find("proc");
  if (proc == doc.end() || !proc->is_string() ||
      proc->get_ref<const std::string&>().empty()) {
    return invalid("Request has no procedure name (field 'proc')");
  }
  request.proc = proc->get<std::string>();
  if (auto args = doc.find("args"); args != doc.end() && !args->is_null()) {
    if (!args->is_object()) {
      return invalid("Arguments of procedure '" + request.proc +
                     "' must be a JSON object");
    }
    request.args = std::move(*args);
  }
  for (const auto& [key, value] : doc.items()) {
    (void)value;
    if (key != "proc" && key != "args" && key != "id") {
      return invalid("Request has an unknown field '" + key + "'");
    }
  }
  return request;
}

Reply successReply(std::optional<std::uint64_t> id, json result) {
  Reply reply;
  reply.id = id;
  reply.ok = true;
  reply.result = std::move(result);
  return reply;
}

Reply errorReply(std::optional<std::uint64_t> id, Error error) {
  Reply reply;
  reply.id = id;
  reply.ok = false;
  reply.error = std::move(error);
  return reply;
}

std::string encodeReply(const Reply& reply) {
  json out = json::object();
  out["id"] = reply.id ? json(*reply.id) : json(nullptr);
  out["ok"] = reply.ok;
  if (reply.ok) {
    out["result"] = reply.result;
  } else {
    out["error"] = {{"code", sdk::errorCodeName(reply.error.code)},
                    {"msg", reply.error.message}};
  }
  return dump(out);
}

sdk::Result<Reply> parseReply(std::string_view bytes) {
  json doc = parseMessage(bytes);
  if (doc.is_discarded()) return invalid("Malformed reply: not valid JSON");
  if (!doc.is_object()) return invalid("Malformed reply: not a JSON object");
  Reply reply;
  auto id = doc.find("id");
  if (id != doc.end() && !id->is_null()) {
    reply.id = readId(*id);
    if (!reply.id) return invalid("Malformed reply: bad 'id'");
  }
  auto ok = doc.find("ok");
  if (ok == doc.end() || !ok->is_boolean()) {
    return invalid("Malformed reply: no boolean 'ok'");
  }
  reply.ok = ok->get<bool>();
  if (reply.ok) {
    if (auto result = doc.find("result"); result != doc.end()) {
      reply.result = std::move(*result);
    }
    return reply;
  }
  auto error = doc.find("error");
  if (error == doc.end() || !error->is_object()) {
    return invalid("Malformed reply: failure without 'error'");
  }
  auto code = error->find("code");
  auto msg = error->find("msg");
  if (code == error->end() || !code->is_string() || msg == error->end() ||
      !msg->is_string()) {
    return invalid("Malformed reply: 'error' needs string 'code' and 'msg'");
  }
  reply.error = Error{sdk::errorCodeFromName(code->get<std::string>()),
                      msg->get<std::string>()};
  return reply;
}

}  // namespace gantry::core::rpc
