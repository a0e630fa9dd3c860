#include "python_text.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace gantry::plugins::os_scripts {
namespace {

TEST(PythonText, SplitLinesLikePython) {
  EXPECT_EQ(pythonSplitLines("a\nb\n"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(pythonSplitLines("a\r\n\nb"), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_TRUE(pythonSplitLines("").empty());
}

TEST(PythonText, StripAndSplitOnce) {
  EXPECT_EQ(pythonStrip(" \t x y \n"), "x y");
  EXPECT_EQ(pythonSplitOnce("  name   some  text"),
            (std::pair<std::string, std::string>{"name", "some  text"}));
  EXPECT_EQ(pythonSplitOnce(""), (std::pair<std::string, std::string>{"", ""}));
}

TEST(PythonText, Repr) {
  EXPECT_EQ(pythonRepr(""), "''");
  EXPECT_EQ(pythonRepr("abc"), "'abc'");
  EXPECT_EQ(pythonRepr("it's"), "\"it's\"");
  EXPECT_EQ(pythonRepr("a\tb\x01"), "'a\\tb\\x01'");
}

TEST(PythonText, FloatsAndValues) {
  EXPECT_EQ(pythonFloat(1796000809.0290992), "1796000809.0290992");
  EXPECT_EQ(pythonFloat(1796000809.0), "1796000809.0");
  EXPECT_EQ(pythonFloat(0.5), "0.5");
  EXPECT_EQ(pythonStr(sdk::ParamValue{}), "None");
  EXPECT_EQ(pythonStr(sdk::ParamValue{true}), "True");
  EXPECT_EQ(pythonStr(sdk::ParamValue{std::int64_t{128}}), "128");
  EXPECT_EQ(pythonStr(sdk::ParamValue{2.0}), "2.0");
  EXPECT_EQ(pythonStr(sdk::ParamValue{std::string("x")}), "x");
}

TEST(PythonText, ErrnoNames) {
  EXPECT_EQ(errnoName(ENOENT), "ENOENT");
  EXPECT_EQ(errnoName(EACCES), "EACCES");
}

}  // namespace
}  // namespace gantry::plugins::os_scripts
