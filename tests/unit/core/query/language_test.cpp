#include "core/query/language.h"

#include <gtest/gtest.h>

namespace query = gantry::core::query;
using query::FilterOp;
using query::Json;

namespace {

std::string parseError(const std::string& filter) {
  try {
    query::parseFilter(Json::parse(filter));
  } catch (const query::FilterParseError& e) {
    return e.what();
  }
  ADD_FAILURE() << "parsed: " << filter;
  return "";
}

}  // namespace

TEST(ParseFilter, EveryOperator) {
  const std::vector<std::pair<std::string, FilterOp>> cases = {
      {R"(["&", ["?", "a"]])", FilterOp::kAnd},
      {R"(["|"])", FilterOp::kOr},
      {R"(["!", ["?", "a"]])", FilterOp::kNot},
      {R"(["?", "a"])", FilterOp::kTrue},
      {R"(["==", "a", 1])", FilterOp::kEqual},
      {R"(["=", "a", "x"])", FilterOp::kEqual},
      {R"(["<", "a", 1])", FilterOp::kLess},
      {R"([">", "a", 1])", FilterOp::kGreater},
      {R"(["<=", "a", 1])", FilterOp::kLessEqual},
      {R"([">=", "a", 1])", FilterOp::kGreaterEqual},
      {R"(["=~", "a", "^x"])", FilterOp::kRegex},
      {R"(["=[]", "a", "x"])", FilterOp::kContains},
  };
  for (const auto& [text, op] : cases) {
    EXPECT_EQ(query::parseFilter(Json::parse(text)).op, op) << text;
  }
  EXPECT_EQ(query::parseFilter(Json()).op, FilterOp::kEmpty);
}

TEST(ParseFilter, LegacyForms) {
  auto neq = query::parseFilter(Json::parse(R"(["!=", "name", "a"])"));
  ASSERT_EQ(neq.op, FilterOp::kNot);
  EXPECT_EQ(neq.children.at(0).op, FilterOp::kEqual);
  EXPECT_EQ(neq.toJson(), Json::parse(R"(["!", ["==", "name", "a"]])"));
  EXPECT_EQ(query::parseFilter(Json::parse(R"(["=", "name", "a"])")).toJson(),
            Json::parse(R"(["==", "name", "a"])"));
}

TEST(ParseFilter, IntegralFloatIsInteger) {
  auto f = query::parseFilter(Json::parse(R"(["==", "id", 1.0])"));
  EXPECT_FALSE(f.value.isString());
  EXPECT_EQ(f.value.number(), 1);
}

TEST(ParseFilter, ErrorTexts) {
  EXPECT_EQ(parseError(R"(["foo", "a"])"), "Unknown filter operand 'foo'");
  EXPECT_EQ(parseError(R"(["!"])"),
            "Cannot deserialise field, expected [filter] but got []");
  EXPECT_EQ(parseError(R"(["!", ["?", "a"], ["?", "b"]])"),
            "Cannot deserialise field, expected [filter] but got [[\"?\", "
            "\"a\"], [\"?\", \"b\"]]");
  EXPECT_EQ(parseError(R"(["==", "name"])"),
            "Cannot deserialise field/value pair, expected [fieldname, value] "
            "but got [\"name\"]");
  EXPECT_EQ(parseError("[]"),
            "Cannot deserialise filter: expected array [string, args], got []");
  EXPECT_EQ(parseError(R"("name")"),
            "Cannot deserialise filter: expected array [string, args], got "
            "\"name\"");
  EXPECT_EQ(parseError(R"(["==", "offline", true])"),
            "Cannot deserialise filter value, expecting string or integer, "
            "got true");
  EXPECT_EQ(parseError(R"(["==", "a", null])"),
            "Cannot deserialise filter value, expecting string or integer, "
            "got null");
  EXPECT_EQ(parseError(R"(["==", "a", ["a"]])"),
            "Cannot deserialise filter value, expecting string or integer, "
            "got [\"a\"]");
  EXPECT_EQ(parseError(R"(["==", "a", 1.5])"),
            "Cannot deserialise numeric filter value, expecting integral but "
            "got a fractional value: 3 % 2");
  EXPECT_EQ(parseError(R"(["?", "a", "b"])"),
            "Cannot deserialise field, expected [fieldname] but got [\"a\", "
            "\"b\"]");
  EXPECT_EQ(parseError(R"(["==", 1, "a"])"), "Unable to read String");
  EXPECT_EQ(parseError(R"(["=~", "name", "("])"), "(1,\"missing )\")");
  // Nested errors surface from inside and/or.
  EXPECT_EQ(parseError(R"(["&", ["?", "a"], ["bad"]])"),
            "Unknown filter operand 'bad'");
}

TEST(RequestedNames, OnlyEqualityOnNameFieldOred) {
  auto names = query::requestedNames(
      query::parseFilter(Json::parse(
          R"(["|", ["==", "name", "a"], ["|", ["==", "name", "b"]]])")),
      "name");
  ASSERT_TRUE(names);
  EXPECT_EQ(*names, (std::vector<query::FilterValue>{"a", "b"}));
  EXPECT_EQ(query::requestedNames(query::Filter{}, "name")->size(), 0u);
  EXPECT_FALSE(query::requestedNames(
      query::parseFilter(Json::parse(R"(["|", ["==", "name", "a"], ["==", "os", "b"]])")),
      "name"));
  EXPECT_FALSE(query::requestedNames(
      query::parseFilter(Json::parse(R"(["&", ["==", "name", "a"]])")), "name"));
  EXPECT_FALSE(query::requestedNames(
      query::parseFilter(Json::parse(R"(["=~", "name", "a"])")), "name"));
}

TEST(MakeSimpleFilter, OrOfEqualities) {
  auto f = query::makeSimpleFilter("id", {std::int64_t{29}, std::int64_t{30}});
  EXPECT_EQ(f.toJson(),
            Json::parse(R"(["|", ["==", "id", 29], ["==", "id", 30]])"));
  EXPECT_TRUE(query::makeSimpleFilter("name", {}).toJson().is_null());
}

TEST(FieldDefs, JsonShapeAndUnknown) {
  query::FieldDef def{"mtotal", "MTotal", query::FieldKind::kUnit,
                      "Total amount of memory of physical machine"};
  EXPECT_EQ(query::fieldDefToJson(def).dump(),
            R"({"name":"mtotal","title":"MTotal","kind":"unit","doc":"Total amount of memory of physical machine"})");
  EXPECT_EQ(query::fieldDefToJson(query::unknownFieldDef("bogus")).dump(),
            R"({"name":"bogus","title":"bogus","kind":"unknown","doc":"Unknown field 'bogus'"})");
  EXPECT_EQ(query::Cell::withStatus(query::ResultStatus::kUnavail).toJson().dump(),
            "[3,null]");
  EXPECT_EQ(query::Cell::normal(Json("x")).toJson().dump(), R"([0,"x"])");
}
