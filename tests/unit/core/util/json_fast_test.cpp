#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/util/json_fast_dump.h"
#include "core/util/json_fast_parse.h"

namespace gantry::core::util {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// Documents the fast paths must treat exactly as nlohmann does.
std::vector<std::string> sampleTexts() {
  return {
      R"({})",
      R"([])",
      R"({"a":[],"b":{},"c":[{}],"d":[[]]})",
      R"({"z":1,"a":2,"m":{"y":true,"b":false,"n":null}})",
      R"([0,-1,1,9223372036854775807,-9223372036854775808,18446744073709551615])",
      R"([0.5,-1.25,1e300,1.5e-7,3.0,100.0,2.2250738585072014e-308,123456789.125])",
      R"(["", "plain", "quote \" backslash \\ slash \/", "\b\f\n\r\t", "\u0001\u001f\u007f"])",
      R"(["caf\u00e9", "√ unicode ✓", "\ud83d\ude00", "mixed ascii and é"])",
      R"({"key with \"quotes\"":1,"tab\tkey":2,"é":3})",
      R"({"dup":1,"dup":2})",
      R"({"deep":[[[[[[[[[[{"x":[1,2,{"y":"z"}]}]]]]]]]]]]})",
  };
}

TEST(JsonFastDump, WritesWhatNlohmannWrites) {
  for (const auto& text : sampleTexts()) {
    const json doc = json::parse(text);
    EXPECT_EQ(dumpJsonFast(doc), doc.dump()) << text;
    const ordered_json ordered = ordered_json::parse(text);
    EXPECT_EQ(dumpJsonFast(ordered), ordered.dump()) << text;
  }
}

TEST(JsonFastDump, NegativeZeroAndOtherFloatsAreNlohmanns) {
  const json doc = json::parse("[-0.0,-0,0.1,1e-300,5e+30,-2.5]");
  EXPECT_EQ(dumpJsonFast(doc), doc.dump());
}

TEST(JsonFastDump, EveryControlCharacterIsEscapedAsNlohmannDoes) {
  std::string all;
  for (int c = 0; c < 128; ++c) all += static_cast<char>(c);
  const json doc = {{all, all}};
  EXPECT_EQ(dumpJsonFast(doc), doc.dump());
}

TEST(JsonFastDump, InvalidUtf8FollowsTheErrorHandler) {
  const json doc = {{"bad", std::string("a\xff" "b")}};
  EXPECT_EQ(dumpJsonFast(doc, json::error_handler_t::replace),
            doc.dump(-1, ' ', false, json::error_handler_t::replace));
  EXPECT_THROW(dumpJsonFast(doc), json::type_error);
}

TEST(JsonFastDump, GanetiConfigsComeOutByteForByte) {
  const auto dir = std::filesystem::path(GANTRY_SHARED_DIR) / "testdata/ganeti/test/data";
  int compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (name.rfind("cluster_config_", 0) != 0) continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const json doc = json::parse(text.str());
    EXPECT_EQ(dumpJsonFast(doc), doc.dump()) << name;
    ++compared;
  }
  EXPECT_GE(compared, 5);
}

TEST(JsonFastParse, GivesWhatNlohmannGives) {
  for (const auto& text : sampleTexts()) {
    const auto fast = parseJsonFast(text);
    ASSERT_TRUE(fast.has_value()) << text;
    const json slow = json::parse(text);
    EXPECT_EQ(*fast, slow) << text;
    // Same number kinds: nlohmann reads non-negative integers as unsigned.
    EXPECT_EQ(fast->dump(), slow.dump()) << text;
  }
  const auto ints = parseJsonFast("[5,-5]");
  ASSERT_TRUE(ints.has_value());
  EXPECT_TRUE((*ints)[0].is_number_unsigned());
  EXPECT_TRUE((*ints)[1].is_number_integer() && !(*ints)[1].is_number_unsigned());
}

TEST(JsonFastParse, MinusZeroIsTheIntegerZero) {
  const auto fast = parseJsonFast("[-0]");
  ASSERT_TRUE(fast.has_value());
  EXPECT_EQ(*fast, json::parse("[-0]"));
  EXPECT_EQ(fast->dump(), "[0]");
}

TEST(JsonFastParse, OrderedKeepsTheInputOrder) {
  for (const auto& text : sampleTexts()) {
    const auto fast = parseOrderedJsonFast(text);
    ASSERT_TRUE(fast.has_value()) << text;
    EXPECT_EQ(fast->dump(), ordered_json::parse(text).dump()) << text;
  }
}

TEST(JsonFastParse, LeavesWhatItCannotReadToTheCaller) {
  // nlohmann keeps the float -0.0; simdjson's reading is left to it.
  EXPECT_FALSE(parseJsonFast("[-0.0]").has_value());
  EXPECT_FALSE(parseJsonFast("{").has_value());
  EXPECT_FALSE(parseJsonFast("not json").has_value());
  EXPECT_FALSE(parseJsonFast(std::string("\"a\xff\"")).has_value());
  EXPECT_FALSE(parseJsonFast("[123456789012345678901234567890]").has_value());
  EXPECT_FALSE(parseJsonFast("").has_value());
}

}  // namespace
}  // namespace gantry::core::util
