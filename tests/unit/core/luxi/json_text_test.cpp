#include "core/luxi/json_text.h"

#include <gtest/gtest.h>

namespace luxi = gantry::core::luxi;
using luxi::Json;

TEST(HaskellPretty, ValuesAsTextJsonShowsThem) {
  EXPECT_EQ(luxi::haskellPretty(Json::parse(R"(["node", ["name"], ["==", "offline", true]])")),
            R"(["node", ["name"], ["==", "offline", true]])");
  EXPECT_EQ(luxi::haskellPretty(Json::parse(R"({"a": null, "b": 1})")),
            R"({"a": null, "b": 1})");
  EXPECT_EQ(luxi::haskellPretty(Json::array()), "[]");
  EXPECT_EQ(luxi::haskellPretty(Json("a\"b\\c\n")), R"("a\"b\\c\u000a")");
  EXPECT_EQ(luxi::haskellPretty(Json(2.0)), "2");
  EXPECT_EQ(luxi::haskellPretty(Json(1.5)), "1.5");
}

TEST(HaskellShowDouble, FixedAndExponentForms) {
  EXPECT_EQ(luxi::haskellShowDouble(1.5), "1.5");
  EXPECT_EQ(luxi::haskellShowDouble(100.0), "100.0");
  EXPECT_EQ(luxi::haskellShowDouble(0.1), "0.1");
  EXPECT_EQ(luxi::haskellShowDouble(0.01), "1.0e-2");
  EXPECT_EQ(luxi::haskellShowDouble(1.7960008090290992e9),
            "1.7960008090290992e9");
  EXPECT_EQ(luxi::haskellShowDouble(1234567.0), "1234567.0");
  EXPECT_EQ(luxi::haskellShowDouble(12345678.0), "1.2345678e7");
  EXPECT_EQ(luxi::haskellShowDouble(-2.5), "-2.5");
}

TEST(HaskellShowRational, ExactDecimalFractions) {
  EXPECT_EQ(luxi::haskellShowRational(Json(1.5)), "3 % 2");
  EXPECT_EQ(luxi::haskellShowRational(Json(-1.5)), "(-3) % 2");
  EXPECT_EQ(luxi::haskellShowRational(Json(0.1)), "1 % 10");
  EXPECT_EQ(luxi::haskellShowRational(Json(7)), "7 % 1");
}

TEST(HaskellShowString, Escapes) {
  EXPECT_EQ(luxi::haskellShowString("a\"b"), R"("a\"b")");
  EXPECT_EQ(luxi::haskellShowString("\xc3\xa9" "1"), R"("\233\&1")");
}

TEST(PythonRepr, ScalarsAndContainers) {
  EXPECT_EQ(luxi::pythonRepr(Json("a")), "'a'");
  EXPECT_EQ(luxi::pythonRepr(Json("it's")), "\"it's\"");
  EXPECT_EQ(luxi::pythonRepr(Json(nullptr)), "None");
  EXPECT_EQ(luxi::pythonRepr(Json(true)), "True");
  EXPECT_EQ(luxi::pythonRepr(Json(1.0)), "1.0");
  EXPECT_EQ(luxi::pythonRepr(Json(1796007716.3321066)), "1796007716.3321066");
  EXPECT_EQ(luxi::pythonRepr(Json(1e16)), "1e+16");
  EXPECT_EQ(luxi::pythonRepr(Json::parse(R"(["a", 1, {"k": [true]}])")),
            "['a', 1, {'k': [True]}]");
  EXPECT_EQ(luxi::pythonStr(Json("plain")), "plain");
}

TEST(PythonJsonDumps, ClientLayout) {
  Json request = Json::object();
  request["method"] = "SetWatcherPause";
  request["args"] = Json::array({1796007716.3321066});
  request["version"] = 3000000;
  EXPECT_EQ(luxi::pythonJsonDumps(request),
            R"({"method": "SetWatcherPause", "args": [1796007716.3321066], "version": 3000000})");
  EXPECT_EQ(luxi::pythonJsonDumps(Json("caf\xc3\xa9")), R"("caf\u00e9")");
}
