// htools' `show` text: doubles, strings, and the Group records hail's
// "no groups for evacuation" message embeds, checked against answers
// recorded from Ganeti's own hail (tests/fixtures/hail/README.md).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "hail_allocator.h"
#include "haskell_show.h"

namespace gantry::plugins::hail {
namespace {

using nlohmann::json;

std::string readFile(const std::string& path) {
  std::ifstream f(path);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(HaskellShow, DoublesAsGhcWritesThem) {
  EXPECT_EQ(haskellShowDouble(0.0), "0.0");
  EXPECT_EQ(haskellShowDouble(1.0), "1.0");
  EXPECT_EQ(haskellShowDouble(4.0), "4.0");
  EXPECT_EQ(haskellShowDouble(32.0), "32.0");
  EXPECT_EQ(haskellShowDouble(100.0), "100.0");
  EXPECT_EQ(haskellShowDouble(0.5), "0.5");
  EXPECT_EQ(haskellShowDouble(1.25), "1.25");
  EXPECT_EQ(haskellShowDouble(0.1), "0.1");
  EXPECT_EQ(haskellShowDouble(-2.5), "-2.5");
  // Below 0.1 and from 10^7 on, GHC switches to exponent notation.
  EXPECT_EQ(haskellShowDouble(0.01), "1.0e-2");
  EXPECT_EQ(haskellShowDouble(0.015), "1.5e-2");
  EXPECT_EQ(haskellShowDouble(9999999.0), "9999999.0");
  EXPECT_EQ(haskellShowDouble(1e7), "1.0e7");
  EXPECT_EQ(haskellShowDouble(12345678.9), "1.23456789e7");
  EXPECT_EQ(haskellShowDouble(1e-300), "1.0e-300");
}

TEST(HaskellShow, StringsAsGhcWritesThem) {
  EXPECT_EQ(haskellShowString("default"), "\"default\"");
  EXPECT_EQ(haskellShowString("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(haskellShowString("\n\t"), "\"\\n\\t\"");
  EXPECT_EQ(haskellShowString("\x01"), "\"\\SOH\"");
  EXPECT_EQ(haskellShowString("\x7f"), "\"\\DEL\"");
  // "\SO" before an H, and a numeric escape before a digit, get "\&".
  EXPECT_EQ(haskellShowString("\x0eH"), "\"\\SO\\&H\"");
  EXPECT_EQ(haskellShowString("\x0e" "A"), "\"\\SOA\"");
  EXPECT_EQ(haskellShowString("\xc3\xa9" "1"), "\"\\233\\&1\"");
  EXPECT_EQ(haskellShowString("\xc3\xa9x"), "\"\\233x\"");
  EXPECT_EQ(haskellShowString("\xe2\x82\xac"), "\"\\8364\"");
}

// Our answer (with hail's trailing newline) to hail-*.json `sampleFile`
// turned into a change-group request without target groups.
std::string changeGroupWithoutTargets(const std::string& sampleFile) {
  json req = json::parse(readFile(std::string(GANTRY_SHARED_DIR) +
                                  "/testdata/ganeti/test/data/htools/" + sampleFile));
  std::vector<std::string> names;
  for (const auto& [name, _] : req.at("instances").items()) names.push_back(name);
  if (names.size() < 2) return "fewer than two instances in " + sampleFile;
  req["request"] = {{"type", "change-group"},
                    {"instances", {names[0], names[1]}},
                    {"target_groups", json::array()}};
  HailAllocator allocator(nullptr);
  auto answer = allocator.run(req.dump(), {});
  return answer.ok() ? answer.value() + "\n" : "error: " + answer.error().message;
}

// What Ganeti's hail printed for the same request.
std::string recordedGanetiAnswer(const std::string& answerFile) {
  return readFile(std::string(GANTRY_SOURCE_DIR) + "/tests/fixtures/hail/" + answerFile);
}

TEST(HaskellShow, NoGroupsForEvacuationMatchesGanetiOnADedicatedCluster) {
  const std::string expected =
      recordedGanetiAnswer("change-group-no-target-dedicated-1.answer.json");
  ASSERT_NE(expected.find("no groups for evacuation"), std::string::npos);
  EXPECT_EQ(changeGroupWithoutTargets("hail-alloc-dedicated-1.json"), expected);
}

TEST(HaskellShow, NoGroupsForEvacuationMatchesGanetiOnNodeEvacData) {
  const std::string expected = recordedGanetiAnswer("change-group-no-target-node-evac.answer.json");
  ASSERT_NE(expected.find("no groups for evacuation"), std::string::npos);
  EXPECT_EQ(changeGroupWithoutTargets("hail-node-evac.json"), expected);
}

}  // namespace
}  // namespace gantry::plugins::hail
