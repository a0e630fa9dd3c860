#include "core/rpc/protocol.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace gantry::core::rpc;
using gantry::sdk::ErrorCode;
using nlohmann::json;

std::string parseError(std::string_view bytes, std::optional<std::uint64_t>* idOut = nullptr,
                       std::size_t maxBytes = kDefaultMaxMessageBytes) {
  std::optional<std::uint64_t> id;
  auto request = parseRequest(bytes, maxBytes, id);
  if (idOut != nullptr) *idOut = id;
  if (request.ok()) return "";
  EXPECT_EQ(request.error().code, ErrorCode::kInvalid);
  return request.error().message;
}

TEST(Protocol, RequestRoundTrip) {
  Request request{"node_info", json{{"hypervisor", "fake"}}, 42};
  std::optional<std::uint64_t> id;
  auto parsed = parseRequest(encodeRequest(request), kDefaultMaxMessageBytes, id);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->proc, "node_info");
  EXPECT_EQ(parsed->args, request.args);
  EXPECT_EQ(parsed->id, 42u);
  EXPECT_EQ(id, 42u);
}

TEST(Protocol, RequestAroundEncodedArgsIsTheSameText) {
  const json args = {{"name", "config.data"},
                     {"data", "{\"a\": \"quote \\\" tab \t \u00e9\"}\n"},
                     {"mode", 0640}};
  for (const json& a : {args, json(nullptr), json::object()}) {
    const Request request{"upload_file", a, 7};
    EXPECT_EQ(encodeRequest("upload_file", encodeArgs(a), 7), encodeRequest(request));
    std::optional<std::uint64_t> id;
    auto parsed = parseRequest(encodeRequest("upload_file", encodeArgs(a), 7),
                               kDefaultMaxMessageBytes, id);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed->args, a.is_null() ? json::object() : a);
    EXPECT_EQ(id, 7u);
  }
  EXPECT_EQ(encodeRequest("version", encodeArgs(json::object()), 3),
            R"({"args":{},"id":3,"proc":"version"})");
}

TEST(Protocol, MissingArgsMeanNone) {
  std::optional<std::uint64_t> id;
  auto parsed = parseRequest(R"({"proc":"version","id":1})", 1000, id);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->args, json::object());
  parsed = parseRequest(R"({"proc":"version","args":null})", 1000, id);
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(id.has_value());
}

TEST(Protocol, MalformedRequestsAreRefusedWithReasons) {
  EXPECT_NE(parseError("not json").find("Request is not valid JSON"), std::string::npos);
  EXPECT_EQ(parseError("[1,2]"), "Request must be a JSON object");
  EXPECT_EQ(parseError(R"({"id":1})"), "Request has no procedure name (field 'proc')");
  EXPECT_EQ(parseError(R"({"proc":7})"), "Request has no procedure name (field 'proc')");
  EXPECT_EQ(parseError(R"({"proc":""})"), "Request has no procedure name (field 'proc')");
  EXPECT_EQ(parseError(R"({"proc":"x","id":-1})"),
            "Request field 'id' must be a non-negative integer");
  EXPECT_EQ(parseError(R"({"proc":"x","id":"3"})"),
            "Request field 'id' must be a non-negative integer");
  EXPECT_EQ(parseError(R"({"proc":"x","args":[1]})"),
            "Arguments of procedure 'x' must be a JSON object");
  EXPECT_EQ(parseError(R"({"proc":"x","extra":1})"), "Request has an unknown field 'extra'");
}

TEST(Protocol, RefusedRequestKeepsItsId) {
  std::optional<std::uint64_t> id;
  parseError(R"({"proc":"x","args":"no","id":9})", &id);
  EXPECT_EQ(id, 9u);
  parseError("garbage", &id);
  EXPECT_FALSE(id.has_value());
}

TEST(Protocol, OversizeIsRefusedBeforeParsing) {
  const std::string big = R"({"proc":"x","args":{"d":")" + std::string(200, 'a') + "\"}}";
  EXPECT_EQ(parseError(big, nullptr, 100),
            "Request of " + std::to_string(big.size()) + " bytes exceeds the limit of 100 bytes");
  EXPECT_EQ(parseError(big, nullptr, big.size()), "");
}

TEST(Protocol, SuccessReplyRoundTrip) {
  auto parsed = parseReply(encodeReply(successReply(5, json{{"a", 1}})));
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->ok);
  EXPECT_EQ(parsed->id, 5u);
  EXPECT_EQ(parsed->result, (json{{"a", 1}}));
}

TEST(Protocol, ErrorReplyCarriesGanetiCode) {
  const std::string bytes = encodeReply(
      errorReply(std::nullopt, {ErrorCode::kNotFound, "LV xenvg/disk0 not found"}));
  EXPECT_EQ(json::parse(bytes),
            json::parse(R"({"id":null,"ok":false,"error":{"code":"unknown_entity",)"
                        R"("msg":"LV xenvg/disk0 not found"}})"));
  auto parsed = parseReply(bytes);
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(parsed->ok);
  EXPECT_FALSE(parsed->id.has_value());
  EXPECT_EQ(parsed->error.code, ErrorCode::kNotFound);
  EXPECT_EQ(parsed->error.message, "LV xenvg/disk0 not found");
}

TEST(Protocol, InvalidUtf8InRepliesIsReplaced) {
  auto parsed = parseReply(encodeReply(successReply(1, json(std::string("a\xff" "b")))));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->result.get<std::string>(), "a\xEF\xBF\xBD" "b");
}

TEST(Protocol, MalformedRepliesAreErrors) {
  EXPECT_FALSE(parseReply("nope").ok());
  EXPECT_FALSE(parseReply("[]").ok());
  EXPECT_FALSE(parseReply(R"({"id":1})").ok());
  EXPECT_FALSE(parseReply(R"({"id":1,"ok":false})").ok());
  EXPECT_FALSE(parseReply(R"({"id":1,"ok":false,"error":{"code":1,"msg":"x"}})").ok());
  EXPECT_FALSE(parseReply(R"({"id":"x","ok":true})").ok());
}

}  // namespace
