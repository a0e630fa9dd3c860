#include "core/allocator/response.h"

#include <gtest/gtest.h>

namespace gantry::core::allocator {
namespace {

std::string errorOf(std::string_view output) {
  auto r = parseAllocatorResponse("vendor", output);
  EXPECT_FALSE(r.ok()) << output;
  return r.ok() ? "" : r.error().message;
}

TEST(AllocatorResponse, AcceptsAnAllocateAnswer) {
  auto r = parseAllocatorResponse(
      "hail", R"({"success":true,"info":"Request successful: x","result":["n1","n2"]})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->success);
  EXPECT_EQ(r->info, "Request successful: x");
  EXPECT_EQ(r->resultJson, R"(["n1","n2"])");
}

TEST(AllocatorResponse, AcceptsAFailureAndAStringResultAndTheLegacyNodesKey) {
  auto failed = parseAllocatorResponse("hail", R"({"success":false,"info":"no","result":[]})");
  ASSERT_TRUE(failed.ok());
  EXPECT_FALSE(failed->success);
  auto secondary = parseAllocatorResponse("hail", R"({"success":true,"info":"","result":"n3"})");
  ASSERT_TRUE(secondary.ok());
  EXPECT_EQ(secondary->resultJson, R"("n3")");
  auto legacy = parseAllocatorResponse("old", R"({"success":true,"info":"","nodes":["a"]})");
  ASSERT_TRUE(legacy.ok());
  EXPECT_EQ(legacy->resultJson, R"(["a"])");
}

TEST(AllocatorResponse, RefusesOutputThatIsNotJson) {
  EXPECT_EQ(errorOf("Traceback (most recent call last)"),
            "iallocator module 'vendor' returned an invalid answer: output is not JSON: "
            "'Traceback (most recent call last)'");
  EXPECT_EQ(errorOf("  \n"),
            "iallocator module 'vendor' returned an invalid answer: empty output, expected a "
            "JSON object");
  const std::string longGarbage(1000, 'x');
  EXPECT_LT(errorOf(longGarbage).size(), 300u);
}

TEST(AllocatorResponse, RefusesMissingKeys) {
  EXPECT_EQ(errorOf("[1,2]"),
            "iallocator module 'vendor' returned an invalid answer: expected a JSON object, "
            "got a JSON array");
  EXPECT_EQ(errorOf(R"({"info":"x","result":[]})"),
            "iallocator module 'vendor' returned an invalid answer: missing key 'success'");
  EXPECT_EQ(errorOf(R"({"success":true,"result":[]})"),
            "iallocator module 'vendor' returned an invalid answer: missing key 'info'");
  EXPECT_EQ(errorOf(R"({"success":true,"info":""})"),
            "iallocator module 'vendor' returned an invalid answer: missing key 'result'");
}

TEST(AllocatorResponse, RefusesWrongTypes) {
  EXPECT_EQ(errorOf(R"({"success":"yes","info":"","result":[]})"),
            "iallocator module 'vendor' returned an invalid answer: 'success' must be a "
            "boolean, got a string");
  EXPECT_EQ(errorOf(R"({"success":true,"info":3,"result":[]})"),
            "iallocator module 'vendor' returned an invalid answer: 'info' must be a string, "
            "got a number");
  EXPECT_EQ(errorOf(R"({"success":true,"info":"","result":{"a":1}})"),
            "iallocator module 'vendor' returned an invalid answer: 'result' must be a list "
            "or a string, got a object");
}

}  // namespace
}  // namespace gantry::core::allocator
