#include "core/rpc/procedures.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace {

using namespace gantry::core::rpc;
using gantry::sdk::Error;
using gantry::sdk::ErrorCode;
using gantry::sdk::Result;
using nlohmann::json;

const std::vector<ArgSpec> kSpecs = {{"name", ArgType::kString, true},
                                     {"count", ArgType::kInt, false},
                                     {"delay", ArgType::kNumber, false},
                                     {"kinds", ArgType::kStringList, false},
                                     {"values", ArgType::kStringMap, false}};

std::string argError(const json& args) {
  auto r = validateArgs("p", kSpecs, args);
  return r.ok() ? "" : r.error().message;
}

TEST(ValidateArgs, AcceptsMatchingArguments) {
  EXPECT_EQ(argError(json{{"name", "a"}}), "");
  EXPECT_EQ(argError(json{{"name", "a"}, {"count", -3}, {"delay", 1.5},
                          {"kinds", {"file", "plain"}}, {"values", {{"k", "v"}}}}),
            "");
  EXPECT_EQ(argError(json{{"name", "a"}, {"delay", 2}}), "");  // integer is a number
}

TEST(ValidateArgs, RefusesWithTheArgumentNamed) {
  EXPECT_EQ(argError(json::object()), "Procedure 'p': missing argument 'name'");
  EXPECT_EQ(argError(json{{"name", 1}}),
            "Procedure 'p': argument 'name' must be a string, not integer");
  EXPECT_EQ(argError(json{{"name", "a"}, {"count", 1.5}}),
            "Procedure 'p': argument 'count' must be an integer, not number");
  EXPECT_EQ(argError(json{{"name", "a"}, {"delay", "1"}}),
            "Procedure 'p': argument 'delay' must be a number, not string");
  EXPECT_EQ(argError(json{{"name", "a"}, {"kinds", {"file", 3}}}),
            "Procedure 'p': argument 'kinds' must be a list of strings, not array");
  EXPECT_EQ(argError(json{{"name", "a"}, {"values", {{"k", 1}}}}),
            "Procedure 'p': argument 'values' must be an object of strings, not object");
  EXPECT_EQ(argError(json{{"name", "a"}, {"nme", "b"}}),
            "Procedure 'p': unknown argument 'nme'");
  EXPECT_EQ(argError(json::array()), "Procedure 'p': arguments must be an object");
}

class ProcedureTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    table_.add({"echo",
                {{"text", ArgType::kString, true}},
                [](const json& args, const CallContext&) -> Result<json> {
                  return args.at("text");
                }});
    table_.add({"fail", {}, [](const json&, const CallContext&) -> Result<json> {
                  return Error{ErrorCode::kNotFound, "no such thing"};
                }});
    table_.add({"throws", {}, [](const json&, const CallContext&) -> Result<json> {
                  throw std::runtime_error("boom");
                }});
    Procedure join{"join", {}, [](const json&, const CallContext&) -> Result<json> {
                     return json("joined");
                   }};
    join.allowedBeforeJoin = true;
    table_.add(std::move(join));
    context_.access = Access::kCluster;
    context_.stop = &stop_;
  }

  Reply run(const std::string& proc, json args = json::object()) {
    return table_.dispatch(Request{proc, std::move(args), 7}, context_);
  }

  ProcedureTable table_;
  StopSignal stop_;
  CallContext context_;
};

TEST_F(ProcedureTableTest, DispatchesToTheHandler) {
  Reply reply = run("echo", json{{"text", "hi"}});
  ASSERT_TRUE(reply.ok) << reply.error.message;
  EXPECT_EQ(reply.id, 7u);
  EXPECT_EQ(reply.result, "hi");
  EXPECT_EQ(table_.names(), (std::vector<std::string>{"echo", "fail", "join", "throws"}));
}

TEST_F(ProcedureTableTest, UnknownProcedure) {
  Reply reply = run("nope");
  EXPECT_FALSE(reply.ok);
  EXPECT_EQ(reply.id, 7u);
  EXPECT_EQ(reply.error.code, ErrorCode::kInvalid);
  EXPECT_EQ(reply.error.message, "Unknown procedure 'nope'");
}

TEST_F(ProcedureTableTest, BadArgumentsNeverReachTheHandler) {
  Reply reply = run("echo", json{{"text", 5}});
  EXPECT_FALSE(reply.ok);
  EXPECT_EQ(reply.error.message,
            "Procedure 'echo': argument 'text' must be a string, not integer");
}

TEST_F(ProcedureTableTest, HandlerErrorsAndExceptionsBecomeReplies) {
  Reply failed = run("fail");
  EXPECT_FALSE(failed.ok);
  EXPECT_EQ(failed.error.code, ErrorCode::kNotFound);
  EXPECT_EQ(failed.error.message, "no such thing");
  Reply thrown = run("throws");
  EXPECT_FALSE(thrown.ok);
  EXPECT_EQ(thrown.error.code, ErrorCode::kFault);
  EXPECT_EQ(thrown.error.message, "Internal error in procedure 'throws': boom");
}

TEST_F(ProcedureTableTest, JoinOnlyClientsReachOnlyJoin) {
  context_.access = Access::kJoinOnly;
  Reply refused = run("echo", json{{"text", "hi"}});
  EXPECT_FALSE(refused.ok);
  EXPECT_EQ(refused.error.code, ErrorCode::kState);
  EXPECT_EQ(refused.error.message,
            "This node has not joined a cluster yet; only 'join' is accepted");
  Reply joined = run("join");
  EXPECT_TRUE(joined.ok);
  context_.access = Access::kDenied;
  EXPECT_FALSE(run("join").ok);
}

TEST(StopSignal, WaitEndsWhenStopped) {
  StopSignal stop;
  EXPECT_FALSE(stop.waitFor(std::chrono::milliseconds(1)));
  stop.stop();
  EXPECT_TRUE(stop.stopped());
  EXPECT_TRUE(stop.waitFor(std::chrono::hours(1)));
}

}  // namespace
