#include "core/luxi/errors.h"

#include <gtest/gtest.h>

namespace luxi = gantry::core::luxi;
using luxi::Json;

TEST(EncodedError, RoundTripKeepsClassAndArgs) {
  auto original = luxi::opPrereqError("Instance 'x' not known",
                                      luxi::kEcodeNoEnt);
  Json wire = original.encode();
  EXPECT_EQ(wire.dump(),
            R"(["OpPrereqError",["Instance 'x' not known","unknown_entity"]])");
  auto decoded = luxi::EncodedError::decode(wire);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->className(), "OpPrereqError");
  EXPECT_EQ(decoded->args(), original.args());
  EXPECT_STREQ(decoded->what(),
               "(\"Instance 'x' not known\", 'unknown_entity')");
}

TEST(EncodedError, WhatIsPythonStrOfArgs) {
  EXPECT_STREQ(luxi::genericError("Queue drained").what(), "Queue drained");
  EXPECT_STREQ(luxi::jobQueueFull().what(), "");
  EXPECT_STREQ(luxi::EncodedError("OpExecError", Json::array({1, "a"})).what(),
               "(1, 'a')");
}

TEST(EncodedError, ArgumentlessClassesEncodeEmptyList) {
  EXPECT_EQ(luxi::jobQueueFull().encode().dump(), R"(["JobQueueFull",[]])");
  EXPECT_EQ(luxi::jobQueueDrainError().encode().dump(),
            R"(["JobQueueDrainError",[]])");
}

TEST(EncodedError, DecodeOnlyKnownWireClasses) {
  EXPECT_TRUE(luxi::EncodedError::decode(Json::parse(R"(["JobLost", ["Can't load job file"]])")));
  EXPECT_FALSE(luxi::EncodedError::decode(Json::parse(R"(["NoSuchError", ["x"]])")));
  // Transport errors live on the client only.
  EXPECT_FALSE(luxi::EncodedError::decode(Json::parse(R"(["NoMasterError", ["x"]])")));
  EXPECT_FALSE(luxi::EncodedError::decode(Json("Failed to parse request: x")));
  EXPECT_FALSE(luxi::EncodedError::decode(Json::parse(R"(["JobLost", "x"])")));
  EXPECT_FALSE(luxi::EncodedError::decode(Json::parse(R"(["JobLost", [], 1])")));
}

TEST(EncodedError, Hierarchy) {
  EXPECT_TRUE(luxi::jobQueueFull().isA("JobQueueError"));
  EXPECT_TRUE(luxi::jobQueueFull().isA("GenericError"));
  EXPECT_FALSE(luxi::jobQueueFull().isA("JobQueueDrainError"));
  EXPECT_TRUE(luxi::queryFilterParseError("x").isA("ParseError"));
  EXPECT_TRUE(luxi::requestError(Json("x")).isA("ProtocolError"));
  EXPECT_TRUE(luxi::requestError(Json("x")).isA("LuxiError"));
  EXPECT_FALSE(luxi::EncodedError("Unknown", Json::array()).isA("GenericError"));
}
