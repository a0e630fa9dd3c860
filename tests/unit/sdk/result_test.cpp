#include <gtest/gtest.h>

#include <string>

#include "gantry/sdk/params.h"
#include "gantry/sdk/result.h"

namespace gantry::sdk {
namespace {

Result<int> half(int x) {
  if (x % 2 != 0) return Error{ErrorCode::kInvalid, "odd: " + std::to_string(x)};
  return x / 2;
}

TEST(SdkResult, CarriesValueOrError) {
  auto good = half(8);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 4);
  auto bad = half(3);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(bad.error().message, "odd: 3");
}

TEST(SdkResult, VoidResult) {
  Result<void> fine = ok();
  EXPECT_TRUE(fine.ok());
  Result<void> failed = Error{ErrorCode::kState, "already running"};
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message, "already running");
}

TEST(SdkResult, ErrorCodeNamesAreGanetis) {
  EXPECT_STREQ(errorCodeName(ErrorCode::kInvalid), "wrong_input");
  EXPECT_STREQ(errorCodeName(ErrorCode::kNotFound), "unknown_entity");
  EXPECT_STREQ(errorCodeName(ErrorCode::kNoResources), "insufficient_resources");
  EXPECT_STREQ(errorCodeName(ErrorCode::kEnvironment), "environment_error");
  for (auto code : {ErrorCode::kResolver, ErrorCode::kTempNoResources,
                    ErrorCode::kState, ErrorCode::kExists,
                    ErrorCode::kNotUnique, ErrorCode::kFault,
                    ErrorCode::kUnsupported}) {
    EXPECT_EQ(errorCodeFromName(errorCodeName(code)), code);
  }
  EXPECT_EQ(errorCodeFromName("no-such-code"), ErrorCode::kFault);
}

TEST(SdkParams, TypedLookups) {
  ParamMap p{{"kernel_path", std::string("/boot/vmlinuz")},
             {"acpi", true},
             {"migration_port", std::int64_t{8102}},
             {"cpu_speed", 1.5},
             {"unset", std::monostate{}}};
  EXPECT_EQ(paramString(p, "kernel_path"), "/boot/vmlinuz");
  EXPECT_EQ(paramBool(p, "acpi"), true);
  EXPECT_EQ(paramInt(p, "migration_port"), 8102);
  EXPECT_EQ(paramDouble(p, "migration_port"), 8102.0);
  EXPECT_EQ(paramDouble(p, "cpu_speed"), 1.5);
  EXPECT_FALSE(paramString(p, "acpi").has_value());
  EXPECT_FALSE(paramInt(p, "missing").has_value());
  EXPECT_FALSE(paramString(p, "unset").has_value());
  EXPECT_EQ(paramToString(p["acpi"]), "True");
  EXPECT_EQ(paramToString(p["migration_port"]), "8102");
  EXPECT_EQ(paramToString(p["unset"]), "");
}

}  // namespace
}  // namespace gantry::sdk
