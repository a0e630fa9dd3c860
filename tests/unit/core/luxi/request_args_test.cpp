#include "core/luxi/request_args.h"

#include <gtest/gtest.h>

namespace luxi = gantry::core::luxi;
using luxi::Json;
using luxi::Method;

namespace {

std::string argError(Method method, const std::string& args) {
  try {
    luxi::validateArgs(method, Json::parse(args));
  } catch (const luxi::RequestParseError& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted: " << args;
  return "";
}

}  // namespace

TEST(ValidateArgs, AcceptsWhatTheCliSends) {
  const std::vector<std::pair<Method, std::string>> good = {
      {Method::kSubmitJob, R"([[{"OP_ID": "OP_TEST_DELAY", "reason": []}]])"},
      {Method::kSubmitManyJobs, R"([[[{"OP_ID": "OP_TEST_DELAY"}]]])"},
      {Method::kWaitForJobChange, R"(["42", ["status"], null, null, 60])"},
      {Method::kWaitForJobChange, R"([2093, ["status"], ["queued"], 9, 60])"},
      {Method::kQueryJobs, R"([[2093], ["status", "opstatus", "opresult"]])"},
      {Method::kQueryJobs, R"([null, ["id"]])"},
      {Method::kCancelJob, R"([42, false])"},
      {Method::kCancelJob, R"([42])"},
      {Method::kArchiveJob, R"([42])"},
      {Method::kAutoArchiveJobs, R"([86400, 89])"},
      {Method::kChangeJobPriority, R"([42, -10])"},
      {Method::kQuery, R"(["node", ["name"], null])"},
      {Method::kQuery, R"(["job", [], ["|", ["==", "status", "running"]]])"},
      {Method::kQueryFields, R"(["node", null])"},
      {Method::kQueryNodes, R"([["localhost"], ["name"], false])"},
      {Method::kQueryExports, R"([[], false])"},
      {Method::kQueryConfigValues, R"([["cluster_name", "master_node"]])"},
      {Method::kQueryClusterInfo, R"([])"},
      {Method::kQueryTags, R"(["cluster", ""])"},
      {Method::kSetDrainFlag, R"([true])"},
      {Method::kSetWatcherPause, R"([1796007716.3321066])"},
      {Method::kSetWatcherPause, R"([null])"},
      {Method::kDeleteFilter, R"(["uuid"])"},
  };
  for (const auto& [method, args] : good) {
    EXPECT_NO_THROW(luxi::validateArgs(method, Json::parse(args)))
        << luxi::methodName(method) << " " << args;
  }
}

TEST(ValidateArgs, GanetiErrorTexts) {
  EXPECT_EQ(argError(Method::kQuery, R"(["node", ["name"]])"),
            "Failed to parse request: Cannot convert value '[\"node\", "
            "[\"name\"]]', error: Unable to read Triple");
  EXPECT_EQ(argError(Method::kQueryFields, R"(["node"])"),
            "Failed to parse request: Cannot convert value '[\"node\"]', "
            "error: Unable to read Pair");
  EXPECT_EQ(argError(Method::kQuery, R"(["extstorage", ["name"], null])"),
            "Failed to parse request: Cannot convert value '[\"extstorage\", "
            "[\"name\"], null]', error: Can't parse value 'extstorage' as "
            "neitherQueryTypeLuxi nor QueryTypeOp");
  EXPECT_EQ(argError(Method::kQuery, R"(["node", ["name"], ["==", "offline", true]])"),
            "Failed to parse request: Cannot convert value '[\"node\", "
            "[\"name\"], [\"==\", \"offline\", true]]', error: Cannot "
            "deserialise filter value, expecting string or integer, got true");
  EXPECT_EQ(argError(Method::kQueryJobs, R"([["abc"], ["id"]])"),
            "Failed to parse request: Cannot convert value '[\"abc\"]', error: "
            "parsing job id: cannot parse string 'abc'");
  EXPECT_EQ(argError(Method::kWaitForJobChange, R"([1, ["status"], null, null])"),
            "Failed to parse request: Parsing WaitForJobChange message: Not "
            "enough values");
  EXPECT_EQ(argError(Method::kWaitForJobChange,
                     R"(["abc", ["status"], null, null, 60])"),
            "Failed to parse request: Parsing WaitForJobChange message: "
            "parsing job id: cannot parse string 'abc'");
  EXPECT_EQ(argError(Method::kQueryTags, R"(["bogus", ""])"),
            "Failed to parse request: Cannot convert value '[\"bogus\", "
            "\"\"]', error: Invalid string value for type TagKind: \"bogus\"");
  EXPECT_EQ(argError(Method::kSetDrainFlag, R"(["yes"])"),
            "Failed to parse request: Cannot convert value '[\"yes\"]', "
            "error: Unable to read Bool");
  EXPECT_EQ(argError(Method::kQueryNodes, R"([["a"], "name", false])"),
            "Failed to parse request: Cannot convert value '[[\"a\"], "
            "\"name\", false]', error: Unable to read list");
  EXPECT_EQ(argError(Method::kSubmitJob, R"([["not an opcode"]])"),
            "Failed to parse request: SubmitJob: Unable to read JSObject");
}

TEST(DecodeQueryArgs, ParsesFilter) {
  auto args = luxi::decodeQueryArgs(Json::parse(
      R"(["job", ["id", "status"], ["|", ["==", "id", 29], ["==", "id", 30]]])"));
  EXPECT_EQ(args.what, "job");
  EXPECT_EQ(args.fields, (std::vector<std::string>{"id", "status"}));
  EXPECT_EQ(args.filter.op, gantry::core::query::FilterOp::kOr);
  EXPECT_EQ(args.filter.children.size(), 2u);
}

TEST(DecodeWaitForJobChangeArgs, StringJobId) {
  auto args = luxi::decodeWaitForJobChangeArgs(
      Json::parse(R"(["42", ["status"], ["error"], 9, 60])"));
  EXPECT_EQ(args.jobId, 42);
  EXPECT_EQ(args.fields, std::vector<std::string>{"status"});
  EXPECT_EQ(args.prevJobInfo, Json::parse(R"(["error"])"));
  EXPECT_EQ(args.prevLogSerial, Json(9));
  EXPECT_EQ(args.timeout, 60);
}

TEST(ParseJobIdArg, Forms) {
  EXPECT_EQ(luxi::parseJobIdArg(Json(42)), 42);
  EXPECT_EQ(luxi::parseJobIdArg(Json("42")), 42);
  EXPECT_THROW(luxi::parseJobIdArg(Json("4x")), std::invalid_argument);
  try {
    luxi::parseJobIdArg(Json(-1));
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "Invalid value for job ID ' -1'");
  }
}
