#include "core/luxi/cli_errors.h"

#include <gtest/gtest.h>

namespace luxi = gantry::core::luxi;
using luxi::Json;

namespace {

luxi::CliErrorText fromWire(const std::string& wire) {
  auto error = luxi::EncodedError::decode(Json::parse(wire));
  EXPECT_TRUE(error) << wire;
  return error ? luxi::formatCliError(*error) : luxi::CliErrorText{};
}

}  // namespace

TEST(FormatCliError, OpPrereqErrorWithCode) {
  auto out = fromWire(
      R"(["OpPrereqError",["Node name nosuch not found","unknown_entity"]])");
  EXPECT_EQ(out.exitCode, 1);
  EXPECT_EQ(out.text,
            "Failure: prerequisites not met for this operation:\nerror type: "
            "unknown_entity, error details:\nNode name nosuch not found");
}

TEST(FormatCliError, OpPrereqErrorWithoutCode) {
  auto out = luxi::formatCliError(
      luxi::EncodedError("OpPrereqError", Json::array({"No such thing"})));
  EXPECT_EQ(out.text,
            "Failure: prerequisites not met for this operation:\nNo such thing");
}

TEST(FormatCliError, ClassTexts) {
  EXPECT_EQ(fromWire(R"(["OpExecError",["Export failed"]])").text,
            "Failure: command execution error:\nExport failed");
  EXPECT_EQ(fromWire(R"(["GenericError",["Queue drained"]])").text,
            "Unhandled Ganeti error: Queue drained");
  EXPECT_EQ(fromWire(R"(["JobQueueFull",[]])").text,
            "Failure: the job queue is full and doesn't accept new job "
            "submissions until old jobs are archived");
  EXPECT_EQ(fromWire(R"(["JobQueueDrainError",[]])").text,
            "Failure: the job queue is marked for drain and doesn't accept "
            "new requests");
  EXPECT_EQ(fromWire(R"(["ParameterError",["Can't find field named 'a'"]])").text,
            "Failure: unknown/wrong parameter name 'Can't find field named 'a''");
  EXPECT_EQ(fromWire(R"(["JobLost",["Job with id 5 lost"]])").text,
            "Error checking job status: Job with id 5 lost");
  EXPECT_EQ(fromWire(R"(["TagError",["bad tag"]])").text,
            "Failure: invalid tag(s) given:\nbad tag");
  EXPECT_EQ(fromWire(R"(["TypeEnforcementError",["bad type"]])").text,
            "Parameter Error: bad type");
  EXPECT_EQ(fromWire(R"(["LuxiError",["LUXI version mismatch, server 2020000, request 2030000"]])").text,
            "Unhandled Ganeti error: LUXI version mismatch, server 2020000, "
            "request 2030000");
  EXPECT_EQ(fromWire(R"(["ResolverError",["nohost", 2, "err"]])").text,
            "Failure: can't resolve hostname 'nohost'");
}

TEST(FormatCliError, ConfigurationErrorExitsTwo) {
  auto out = fromWire(R"(["ConfigurationError",["bad config"]])");
  EXPECT_EQ(out.exitCode, 2);
  EXPECT_EQ(out.text, "Corrupt configuration file: bad config\nAborting.");
}

TEST(FormatCliError, HooksAbortLines) {
  auto out = fromWire(
      R"(["HooksAbort",[[["node1","10-check","failed"],["node2","20-x",""]]]])");
  EXPECT_EQ(out.text,
            "Failure: hooks execution failed:\n  node: node1, script: "
            "10-check, output: failed\n  node: node2, script: 20-x (no "
            "output)");
}

TEST(FormatCliError, TransportErrors) {
  EXPECT_EQ(luxi::formatCliError(luxi::noMasterError("/x/socket")).text,
            "Cannot communicate with the master daemon.\nIs the process "
            "running and listening for connections?");
  EXPECT_EQ(luxi::formatCliError(luxi::permissionError("/x/socket")).text,
            "It seems you don't have permissions to connect to the master "
            "daemon.\nPlease retry as a different user.");
  EXPECT_EQ(luxi::formatCliError(luxi::timeoutError("Connect timed out")).text,
            "Timeout while talking to the master daemon. Jobs might have "
            "been submitted and will continue to run even if the call timed "
            "out. Useful commands in this situation are \"gnt-job list\", "
            "\"gnt-job cancel\" and \"gnt-job watch\". Error:\nConnect timed "
            "out");
  EXPECT_EQ(luxi::formatCliError(
                luxi::requestError(Json("Failed to parse request: x")))
                .text,
            "Unhandled protocol error while talking to the master daemon:\n"
            "Failed to parse request: x");
}

TEST(FormatCliError, QueryFilterParseErrorWithDetails) {
  luxi::EncodedError error(
      "QueryFilterParseError",
      Json::array({"Failed to parse query filter 'name = ': Expected end of "
                   "text, found '=' (at char 5), (line:1, col:6)",
                   Json::array({"name = ", "     ^",
                                "Expected end of text, found '=' (at char 5), "
                                "(line:1, col:6)"})}));
  EXPECT_EQ(luxi::formatCliError(error).text,
            "Error while parsing query filter: Failed to parse query filter "
            "'name = ': Expected end of text, found '=' (at char 5), "
            "(line:1, col:6)\nname = \n     ^\nExpected end of text, found "
            "'=' (at char 5), (line:1, col:6)");
}
