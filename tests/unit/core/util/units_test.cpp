#include "core/util/units.h"

#include <gtest/gtest.h>

#include <string>

namespace util = gantry::core::util;
using util::Unit;

namespace {

std::string parseError(const std::string& text) {
  auto parsed = util::parseUnit(text);
  EXPECT_FALSE(parsed.ok()) << text << " parsed as " << (parsed ? *parsed : 0);
  if (parsed) return "";
  EXPECT_EQ(parsed.error().code, gantry::sdk::ErrorCode::kInvalid);
  return parsed.error().message;
}

std::int64_t parsed(const std::string& text) {
  auto value = util::parseUnit(text);
  EXPECT_TRUE(value.ok()) << text << ": " << value.error().message;
  return value ? *value : -1;
}

}  // namespace

// `gnt-node list` in the walkthrough: "1.3T  1.3T  32.0G  1.0G 30.5G".
TEST(FormatUnit, WalkthroughNodeListValues) {
  EXPECT_EQ(util::formatUnit(1363148), "1.3T");  // 1.3 TiB in MiB
  EXPECT_EQ(util::formatUnit(32768), "32.0G");
  EXPECT_EQ(util::formatUnit(1024), "1.0G");
  EXPECT_EQ(util::formatUnit(31232), "30.5G");
  EXPECT_EQ(util::formatUnit(6656), "6.5G");
}

// `gnt-instance list` / `info`: "128M", "size 256M".
TEST(FormatUnit, SmallValuesInMiB) {
  EXPECT_EQ(util::formatUnit(128), "128M");
  EXPECT_EQ(util::formatUnit(256), "256M");
  EXPECT_EQ(util::formatUnit(0), "0M");
  EXPECT_EQ(util::formatUnit(1023), "1023M");
  EXPECT_EQ(util::formatUnit(127.6), "128M");
}

TEST(FormatUnit, HumanBoundariesFollowGaneti) {
  // Still below 1 TiB, so scaled to GiB even though it prints as 1024.0.
  EXPECT_EQ(util::formatUnit(1048575), "1024.0G");
  EXPECT_EQ(util::formatUnit(1048576), "1.0T");
  EXPECT_EQ(util::formatUnit(1536), "1.5G");
  EXPECT_EQ(util::formatUnit(1100), "1.1G");  // 1.0742 -> one decimal
}

TEST(FormatUnit, FixedUnitsHaveNoSuffix) {
  EXPECT_EQ(util::formatUnit(32768, Unit::kMebi), "32768");
  EXPECT_EQ(util::formatUnit(128, Unit::kMebi), "128");
  EXPECT_EQ(util::formatUnit(32768, Unit::kGibi), "32.0");
  EXPECT_EQ(util::formatUnit(128, Unit::kGibi), "0.1");
  EXPECT_EQ(util::formatUnit(1363148, Unit::kTebi), "1.3");
  EXPECT_EQ(util::formatUnit(1024, Unit::kTebi), "0.0");
}

TEST(ParseUnitLetter, AcceptsOnlyTheFourLetters) {
  EXPECT_EQ(*util::parseUnitLetter("h"), Unit::kHuman);
  EXPECT_EQ(*util::parseUnitLetter("m"), Unit::kMebi);
  EXPECT_EQ(*util::parseUnitLetter("g"), Unit::kGibi);
  EXPECT_EQ(*util::parseUnitLetter("t"), Unit::kTebi);
  auto bad = util::parseUnitLetter("k");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "Invalid unit specified 'k'");
  EXPECT_FALSE(util::parseUnitLetter("H").ok());
  EXPECT_FALSE(util::parseUnitLetter("").ok());
}

TEST(ParseUnit, OperatorInputFromTheWalkthrough) {
  EXPECT_EQ(parsed("256m"), 256);
  EXPECT_EQ(parsed("512m"), 512);
  EXPECT_EQ(parsed("4G"), 4096);
  EXPECT_EQ(parsed("8G"), 8192);
  EXPECT_EQ(parsed("128m"), 128);
}

TEST(ParseUnit, UnitsAndDefault) {
  EXPECT_EQ(parsed("512"), 512);
  EXPECT_EQ(parsed("1.5g"), 1536);
  EXPECT_EQ(parsed("1T"), 1048576);
  EXPECT_EQ(parsed("2tib"), 2097152);
  EXPECT_EQ(parsed("3GiB"), 3072);
  EXPECT_EQ(parsed("3gb"), 3072);
  EXPECT_EQ(parsed("100MB"), 100);
  EXPECT_EQ(parsed("100mib"), 100);
  EXPECT_EQ(parsed("128 m"), 128);
  EXPECT_EQ(parsed("128 \t G"), 131072);
}

TEST(ParseUnit, RoundsUpToWholeMiBThenMultipleOfFour) {
  EXPECT_EQ(parsed("1.3g"), 1332);  // 1331.2 -> 1332
  EXPECT_EQ(parsed("1"), 4);
  EXPECT_EQ(parsed("5"), 8);
  EXPECT_EQ(parsed("8"), 8);
  EXPECT_EQ(parsed("0.1"), 4);
  EXPECT_EQ(parsed("0"), 0);
  EXPECT_EQ(parsed("1021.5"), 1024);
  EXPECT_EQ(parsed("1.001g"), 1028);  // 1025.024 -> 1026 -> 1028
}

TEST(ParseUnit, NumberShapes) {
  EXPECT_EQ(parsed(".5g"), 512);
  EXPECT_EQ(parsed("2."), 4);
  EXPECT_EQ(parsed("007"), 8);
  // Python's `$` also matches before a final newline.
  EXPECT_EQ(parsed("4G\n"), 4096);
}

TEST(ParseUnit, InvalidFormat) {
  for (const char* text : {"", "abc", "g", "-1", "+1", "1.2.3", ".", "..g",
                           " 4g", "4g ", "4 g b", "1e3", "1,5g", "4g\n\n",
                           "12 34"}) {
    EXPECT_EQ(parseError(text), "Invalid format") << "input: '" << text << "'";
  }
}

TEST(ParseUnit, UnknownUnitKeepsTheCaseTyped) {
  EXPECT_EQ(parseError("4x"), "Unknown unit: x");
  EXPECT_EQ(parseError("4 Kb"), "Unknown unit: Kb");
  EXPECT_EQ(parseError("1.5PiB"), "Unknown unit: PiB");
  EXPECT_EQ(parseError("10gibibytes"), "Unknown unit: gibibytes");
}

TEST(ParseUnit, HugeValuesAreRejectedNotWrapped) {
  EXPECT_EQ(parseError("99999999999999999999t"), "Invalid format");
  EXPECT_EQ(parsed("8388608t"), std::int64_t{8388608} * 1048576);  // 8 EiB
}

TEST(ParseUnit, ThrowingVariant) {
  EXPECT_EQ(util::parseUnitOrThrow("2g"), 2048);
  try {
    (void)util::parseUnitOrThrow("2q");
    FAIL() << "no exception";
  } catch (const util::UnitParseError& e) {
    EXPECT_STREQ(e.what(), "Unknown unit: q");
  }
}

TEST(Units, ParsedValuesFormatBack) {
  EXPECT_EQ(util::formatUnit(static_cast<double>(parsed("256m"))), "256M");
  EXPECT_EQ(util::formatUnit(static_cast<double>(parsed("32g"))), "32.0G");
  EXPECT_EQ(util::formatUnit(static_cast<double>(parsed("1.3t"))), "1.3T");
}
