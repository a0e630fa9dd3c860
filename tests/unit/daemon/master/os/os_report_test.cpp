// Merging the nodes' os_diagnose answers as Ganeti's OS query does.
#include <gtest/gtest.h>

#include "daemon/master/os/os_report.h"

namespace gantry::daemon::master {
namespace {
using nlohmann::json;

json entry(const std::string& name, const std::string& path, bool valid,
           std::vector<std::string> variants, std::vector<int> api, bool trusted = true,
           const std::string& why = "") {
  return json::array({name, path, valid, why, variants,
                      json::array({json::array({"p1", "first"}), json::array({"p2", "second"})}),
                      api, trusted});
}

const OsReport& find(const std::vector<OsReport>& reports, const std::string& name) {
  for (const auto& r : reports) {
    if (r.name == name) return r;
  }
  throw std::runtime_error("no report for " + name);
}

TEST(OsReport, ValidEverywhereSharesOnlyWhatAllNodesHave) {
  std::map<std::string, json> answers = {
      {"uuid-a", json::array({entry("deb", "/a/deb", true, {"x", "y10", "y2"}, {20, 15})})},
      {"uuid-b", json::array({entry("deb", "/b/deb", true, {"y2", "y10"}, {20}, false)})},
  };
  auto reports = mergeOsDiagnose(answers);
  ASSERT_EQ(reports.size(), 1u);
  const auto& deb = reports[0];
  EXPECT_TRUE(deb.valid);
  EXPECT_EQ(deb.variants, (std::vector<std::string>{"y2", "y10"}));  // natural order
  EXPECT_EQ(deb.apiVersions, std::vector<int>{20});
  EXPECT_FALSE(deb.trusted);
  EXPECT_EQ(deb.parameters.size(), 2u);
  EXPECT_EQ(deb.nodeStatus["uuid-a"][0][0], "/a/deb");
}

TEST(OsReport, MissingOrInvalidOnOneNodeIsInvalidAndShadowedCopiesAreKept) {
  std::map<std::string, json> answers = {
      {"uuid-a", json::array({entry("deb", "/a/deb", true, {"x"}, {20}),
                              entry("deb", "/old/deb", false, {}, {}, true, "no create"),
                              entry("alone", "/a/alone", true, {}, {10})})},
      {"uuid-b", json::array({entry("deb", "/b/deb", false, {}, {}, true, "bad api")})},
  };
  auto reports = mergeOsDiagnose(answers);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].name, "alone");
  const auto& alone = find(reports, "alone");
  EXPECT_FALSE(alone.valid);
  EXPECT_TRUE(alone.nodeStatus["uuid-b"].empty());  // not found there
  const auto& deb = find(reports, "deb");
  EXPECT_FALSE(deb.valid);
  EXPECT_TRUE(deb.variants.empty());
  ASSERT_EQ(deb.nodeStatus["uuid-a"].size(), 2u);
  EXPECT_EQ(deb.nodeStatus["uuid-a"][1][2], "no create");
  EXPECT_EQ(deb.nodeStatus["uuid-b"][0][2], "bad api");
}

TEST(OsReport, FieldsReadHiddenBlacklistedAndParametersFromTheCluster) {
  auto reports = mergeOsDiagnose({{"n", json::array({entry("deb", "/d", true, {}, {20})})}});
  const json cluster = {{"hidden_os", {"deb"}},
                        {"blacklisted_os", json::array()},
                        {"osparams", {{"deb", {{"p1", "v"}}}}}};
  EXPECT_EQ(osReportField(reports[0], "hidden", cluster), true);
  EXPECT_EQ(osReportField(reports[0], "blacklisted", cluster), false);
  EXPECT_EQ(osReportField(reports[0], "osparams", cluster), json({{"p1", "v"}}));
  EXPECT_EQ(osReportField(reports[0], "os_hvp", cluster), json::object());
  EXPECT_EQ(osReportField(reports[0], "name", cluster), "deb");
}

}  // namespace
}  // namespace gantry::daemon::master
