#include "core/opcodes/param_type.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ops = gantry::core::opcodes;
using nlohmann::json;

namespace {

const ops::EnumTable kEnums = {{"Color", {"red", "green"}}};

ops::ParamType typeOf(const char* spec) {
  auto t = ops::ParamType::parse(spec, kEnums);
  EXPECT_TRUE(t) << spec << ": " << (t ? "" : t.error().message);
  return t ? *t : ops::ParamType();
}

bool accepts(const char* spec, const json& v) {
  return !typeOf(spec).check(v).has_value();
}

}  // namespace

TEST(ParamType, Scalars) {
  EXPECT_TRUE(accepts("bool", true));
  EXPECT_FALSE(accepts("bool", 1));
  EXPECT_TRUE(accepts("int", -5));
  EXPECT_TRUE(accepts("int", 5.0));  // integral float
  EXPECT_FALSE(accepts("int", 5.5));
  EXPECT_FALSE(accepts("int", "5"));
  EXPECT_TRUE(accepts("float", 1));
  EXPECT_TRUE(accepts("float", 0.05));
  EXPECT_FALSE(accepts("float", "0.05"));
  EXPECT_TRUE(accepts("str", ""));
  EXPECT_FALSE(accepts("nes", ""));
  EXPECT_TRUE(accepts("nes", "x"));
  EXPECT_TRUE(accepts("any", nullptr));
}

TEST(ParamType, IntBounds) {
  EXPECT_TRUE(accepts("int>=0", 0));
  EXPECT_FALSE(accepts("int>=0", -1));
  EXPECT_FALSE(accepts("int>0", 0));
  EXPECT_TRUE(accepts("int>0", 1));
  EXPECT_TRUE(accepts("int[0..15]", 15));
  EXPECT_FALSE(accepts("int[0..15]", 16));
  EXPECT_EQ(*typeOf("int>=0").check(-1), "expected int >= 0, got int -1");
  EXPECT_EQ(*typeOf("int>0").check(0), "expected int > 0, got int 0");
}

TEST(ParamType, Containers) {
  EXPECT_TRUE(accepts("list<nes>", json::array({"a", "b"})));
  EXPECT_FALSE(accepts("list<nes>", json::array({"a", ""})));
  EXPECT_FALSE(accepts("list<nes>", "a"));
  EXPECT_TRUE(accepts("dict", json::object()));
  EXPECT_FALSE(accepts("dict", json::array()));
  EXPECT_TRUE(accepts("dict<dict>", json::parse(R"({"kvm": {"a": 1}})")));
  EXPECT_FALSE(accepts("dict<dict>", json::parse(R"({"kvm": 1})")));
  EXPECT_TRUE(accepts("list<tuple<int,int>>", json::parse("[[1, 2]]")));
  EXPECT_FALSE(accepts("list<tuple<int,int>>", json::parse("[[1, 2, 3]]")));
  EXPECT_TRUE(accepts("oneof<nes,list<any>>", "node1"));
  EXPECT_TRUE(accepts("oneof<nes,list<any>>", json::array({1})));
  EXPECT_FALSE(accepts("oneof<nes,list<any>>", 3));
  EXPECT_TRUE(accepts("list<list<int>>", json::parse("[[1], []]")));
}

TEST(ParamType, Enums) {
  EXPECT_TRUE(accepts("enum<Color>", "red"));
  EXPECT_FALSE(accepts("enum<Color>", "blue"));
  EXPECT_EQ(*typeOf("enum<Color>").check("blue"),
            "expected one of 'red', 'green', got string \"blue\"");
  EXPECT_FALSE(ops::ParamType::parse("enum<Shape>", kEnums));
  EXPECT_FALSE(ops::ParamType::parse("list<int", kEnums));
  EXPECT_FALSE(ops::ParamType::parse("wat", kEnums));
}

TEST(ParamType, Addresses) {
  EXPECT_TRUE(accepts("ipv4", "192.0.2.1"));
  EXPECT_FALSE(accepts("ipv4", "192.0.2.300"));
  EXPECT_TRUE(accepts("ipv4net", "192.0.2.0/24"));
  EXPECT_FALSE(accepts("ipv4net", "192.0.2.0/33"));
  EXPECT_FALSE(accepts("ipv4net", "192.0.2.0"));
  EXPECT_TRUE(accepts("ipv6", "2001:db8::1"));
  EXPECT_TRUE(accepts("ipv6net", "2001:db8::/64"));
  EXPECT_FALSE(accepts("ipv6net", "2001:db8::/129"));
}

TEST(ParamType, CommonParamShapes) {
  EXPECT_TRUE(accepts("priority", -10));
  EXPECT_TRUE(accepts("priority", 10));
  EXPECT_FALSE(accepts("priority", 5));
  EXPECT_FALSE(accepts("priority", -20));  // internal only, not at submit
  EXPECT_TRUE(accepts("depends", json::parse(R"([[-1, []], [12, ["success", "error"]]])")));
  EXPECT_TRUE(accepts("depends", json::parse(R"([["12", ["canceled"]]])")));
  EXPECT_FALSE(accepts("depends", json::parse(R"([[1, ["running"]]])")));
  EXPECT_FALSE(accepts("depends", json::parse(R"([[1]])")));
  EXPECT_TRUE(accepts("reason", json::parse(R"([["gnt:user", "x", 1]])")));
  EXPECT_FALSE(accepts("reason", json::parse(R"([["gnt:user", "x"]])")));
  EXPECT_TRUE(accepts("mods", json::parse(R"([["add", {"size": 1024}]])")));
  EXPECT_TRUE(accepts("mods", json::parse(R"([[0, {"mode": "ro"}]])")));
  EXPECT_TRUE(accepts("mods", json::parse(R"([["modify", -1, {"mac": "generate"}]])")));
  EXPECT_TRUE(accepts("mods", json::parse(R"([["remove", "disk1", {}]])")));
  EXPECT_FALSE(accepts("mods", json::parse(R"([["frob", {}]])")));
  EXPECT_FALSE(accepts("mods", json::parse(R"([["add"]])")));
  EXPECT_FALSE(accepts("mods", json::parse(R"([[]])")));
}
