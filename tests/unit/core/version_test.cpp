#include <gtest/gtest.h>

#include <string>

#include "core/version.h"

TEST(Version, IsProjectVersion) {
  EXPECT_EQ(std::string(gantry::core::version()), GANTRY_VERSION);
  EXPECT_NE(std::string(gantry::core::version()).find('.'), std::string::npos);
}
