#include "core/luxi/protocol.h"

#include <gtest/gtest.h>

#include "core/luxi/dispatch.h"

namespace luxi = gantry::core::luxi;
using luxi::Json;

namespace {

std::string parseFailure(std::string_view message) {
  try {
    luxi::parseRequest(message);
  } catch (const luxi::RequestParseError& e) {
    return e.what();
  }
  ADD_FAILURE() << "parsed: " << message;
  return "";
}

}  // namespace

TEST(Methods, NamesRoundTrip) {
  EXPECT_EQ(luxi::allMethods().size(), 25u);
  for (auto method : luxi::allMethods()) {
    auto name = luxi::methodName(method);
    EXPECT_FALSE(name.empty());
    EXPECT_EQ(luxi::methodFromName(name), method) << name;
  }
  EXPECT_EQ(luxi::methodFromName("QueryClusterInfo"),
            luxi::Method::kQueryClusterInfo);
  EXPECT_EQ(luxi::methodFromName("queryclusterinfo"), std::nullopt);
}

TEST(ParseRequest, ClientBytesWithTrailingNewline) {
  auto request = luxi::parseRequest(
      "{\"method\": \"QueryConfigValues\", \"args\": [[\"drain_flag\"]], "
      "\"version\": 3000000}\n");
  EXPECT_EQ(request.method, "QueryConfigValues");
  EXPECT_EQ(request.args, Json::parse(R"([["drain_flag"]])"));
  EXPECT_EQ(request.version, 3000000);
}

TEST(ParseRequest, VersionIsOptional) {
  auto request = luxi::parseRequest(R"({"method":"QueryClusterInfo","args":[]})");
  EXPECT_EQ(request.version, std::nullopt);
}

TEST(ParseRequest, ErrorTexts) {
  EXPECT_EQ(parseFailure("[1]"),
            "Failed to parse request: parsing top-level JSON message: Unable "
            "to read JSObject");
  EXPECT_EQ(parseFailure(R"({"args": [], "version": 3000000})"),
            "Failed to parse request: key 'method' not found, object contains "
            "only [\"args\",\"version\"]");
  EXPECT_EQ(parseFailure(R"({"method": "Query"})"),
            "Failed to parse request: key 'args' not found, object contains "
            "only [\"method\"]");
  EXPECT_EQ(parseFailure(R"({"method": "Foo", "args": []})"),
            "Failed to parse request: Unable to parse LUXI request method: "
            "Invalid string value for type LuxiReq: \"Foo\"");
  EXPECT_EQ(parseFailure(R"({"method": 1, "args": []})"),
            "Failed to parse request: Unable to parse LUXI request method: "
            "Can't parse value for 'LuxiReq': Unable to read String");
  EXPECT_EQ(parseFailure("{\"method\": ").rfind(
                "Failed to parse request: parsing top-level JSON message: ", 0),
            0u);
}

TEST(VersionCheck, AcceptsThreeZeroAndThreeOne) {
  for (std::int64_t v : {3000000, 3000002, 3010000, 3019999}) {
    luxi::Request request{"QueryClusterInfo", Json::array(), v};
    EXPECT_NO_THROW(luxi::checkRequestVersion(request)) << v;
  }
  luxi::Request unversioned{"QueryClusterInfo", Json::array(), std::nullopt};
  EXPECT_NO_THROW(luxi::checkRequestVersion(unversioned));
}

TEST(VersionCheck, RefusesOthersWithLuxiError) {
  for (std::int64_t v : {2160000, 3020000, 2999999}) {
    luxi::Request request{"QueryClusterInfo", Json::array(), v};
    try {
      luxi::checkRequestVersion(request);
      ADD_FAILURE() << v << " accepted";
    } catch (const luxi::EncodedError& e) {
      EXPECT_EQ(e.className(), "LuxiError");
      EXPECT_EQ(std::string(e.what()),
                "LUXI version mismatch, server 3010000, request " +
                    std::to_string(v));
    }
  }
}

TEST(EncodeRequest, PythonClientLayout) {
  luxi::Request request{"CancelJob", Json::array({42, false}), 3000000};
  EXPECT_EQ(luxi::encodeRequest(request),
            "{\"method\": \"CancelJob\", \"args\": [42, false], \"version\": "
            "3000000}\n");
}

TEST(EncodeResponse, CompactKeyOrderKept) {
  Json result = Json::object();
  result["software_version"] = "3.1.0";
  result["protocol_version"] = 3010000;
  result["architecture"] = Json::array({"64bits", "x86_64"});
  EXPECT_EQ(luxi::encodeResponse({true, result, std::nullopt}),
            R"({"success":true,"result":{"software_version":"3.1.0","protocol_version":3010000,"architecture":["64bits","x86_64"]}})");
  EXPECT_EQ(luxi::encodeErrorResponse(luxi::genericError("Queue drained")),
            R"({"success":false,"result":["GenericError",["Queue drained"]]})");
}

TEST(ParseResponse, SuccessAndErrors) {
  auto ok = luxi::parseResponse(R"({"success":true,"result":2093})");
  EXPECT_EQ(luxi::resultOrThrow(ok, 3010000), Json(2093));

  auto failed = luxi::parseResponse(
      R"({"success":false,"result":["OpPrereqError",["Node name nosuch not found","unknown_entity"]]})");
  try {
    luxi::resultOrThrow(failed, 3010000);
    FAIL() << "no error";
  } catch (const luxi::EncodedError& e) {
    EXPECT_EQ(e.className(), "OpPrereqError");
    EXPECT_EQ(e.firstArg(), "Node name nosuch not found");
  }

  auto plain = luxi::parseResponse(
      R"({"success":false,"result":"Failed to parse request: x"})");
  try {
    luxi::resultOrThrow(plain, 3010000);
    FAIL() << "no error";
  } catch (const luxi::EncodedError& e) {
    EXPECT_EQ(e.className(), "RequestError");
    EXPECT_STREQ(e.what(), "Failed to parse request: x");
  }
}

TEST(ParseResponse, MalformedAnswers) {
  try {
    luxi::parseResponse(R"({"success":true})");
    FAIL() << "no error";
  } catch (const luxi::EncodedError& e) {
    EXPECT_EQ(e.className(), "ProtocolError");
    EXPECT_STREQ(e.what(), "Invalid response from server: {'success': True}");
  }
  try {
    luxi::parseResponse("nonsense");
    FAIL() << "no error";
  } catch (const luxi::EncodedError& e) {
    EXPECT_EQ(e.className(), "ProtocolError");
    EXPECT_EQ(std::string(e.what()).rfind("Error while deserializing response: ", 0),
              0u);
  }
}

TEST(ParseResponse, VersionMismatchFromServer) {
  auto response =
      luxi::parseResponse(R"({"success":true,"result":1,"version":2})");
  try {
    luxi::resultOrThrow(response, 3010000);
    FAIL() << "no error";
  } catch (const luxi::EncodedError& e) {
    EXPECT_EQ(e.className(), "LuxiError");
    EXPECT_STREQ(e.what(), "RPC version mismatch, client 3010000, response 2");
  }
}

TEST(HandleMessage, DispatchesAndEncodesEveryOutcome) {
  int calls = 0;
  luxi::RequestHandler handler = [&](luxi::Method method,
                                     const luxi::Request& request) -> Json {
    ++calls;
    if (method == luxi::Method::kSubmitJob) throw luxi::jobQueueFull();
    if (method == luxi::Method::kSetDrainFlag) {
      throw std::runtime_error("disk full");
    }
    return request.args[0];
  };
  EXPECT_EQ(luxi::handleMessage(
                R"({"method":"QueryConfigValues","args":[["drain_flag"]]})",
                handler),
            R"({"success":true,"result":["drain_flag"]})");
  EXPECT_EQ(luxi::handleMessage(
                R"({"method":"SubmitJob","args":[[{"OP_ID":"OP_TEST_DELAY"}]]})",
                handler),
            R"({"success":false,"result":["JobQueueFull",[]]})");
  EXPECT_EQ(luxi::handleMessage(R"({"method":"SetDrainFlag","args":[true]})",
                                handler),
            R"({"success":false,"result":["GenericError",["disk full"]]})");
  EXPECT_EQ(calls, 3);
  // Refused before the handler runs.
  EXPECT_EQ(luxi::handleMessage(
                R"({"method":"Query","args":["node",["name"]],"version":3000000})",
                handler),
            R"({"success":false,"result":"Failed to parse request: Cannot convert value '[\"node\", [\"name\"]]', error: Unable to read Triple"})");
  EXPECT_EQ(luxi::handleMessage(
                R"({"method":"QueryClusterInfo","args":[],"version":2020000})",
                handler),
            R"({"success":false,"result":["LuxiError",["LUXI version mismatch, server 3010000, request 2020000"]]})");
  EXPECT_EQ(calls, 3);
}
