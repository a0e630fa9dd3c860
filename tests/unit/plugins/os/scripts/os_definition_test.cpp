#include "os_definition.h"

#include <gtest/gtest.h>

#include "os_fixture_support.h"
#include "test_host_support.h"

namespace gantry::plugins::os_scripts {
namespace {

namespace fs = std::filesystem;
using plugins::testing::TestHost;
using testing::installEnvdump;
using testing::writeScript;
using testing::writeText;

class OsDefinitionTest : public ::testing::Test {
 protected:
  TestHost host_;
  fs::path searchDir() const { return host_.paths().osSearchPath.at(0); }
  fs::path install(const std::string& api) { return installEnvdump(searchDir(), api); }
  LoadedOs load(const fs::path& dir) { return loadOsDirectory("envdump", dir); }
};

TEST_F(OsDefinitionTest, ReadsAValidDefinition) {
  const fs::path dir = install("20\n15\n10\n");
  const LoadedOs os = load(dir);
  ASSERT_TRUE(os.definition.valid) << os.definition.diagnose;
  EXPECT_EQ(os.definition.name, "envdump");
  EXPECT_EQ(os.definition.path, dir);
  EXPECT_EQ(os.definition.apiVersions, (std::vector<int>{20, 15, 10}));
  EXPECT_EQ(os.apiVersion, 20);
  // Stripped, comments and empty lines dropped, order kept.
  EXPECT_EQ(os.definition.variants, (std::vector<std::string>{"alpha", "beta"}));
  ASSERT_EQ(os.definition.parameters.size(), 2u);
  EXPECT_EQ(os.definition.parameters[0],
            (std::pair<std::string, std::string>{"flavor", "The flavour of the install"}));
  EXPECT_EQ(os.definition.parameters[1].first, "my-param");
  EXPECT_TRUE(os.definition.trusted);
  EXPECT_TRUE(os.hasScript("create"));
  EXPECT_TRUE(os.hasScript("verify"));
  EXPECT_EQ(os.scripts.at("rename"), dir / "rename");
}

TEST_F(OsDefinitionTest, EffectiveVersionIsTheHighestCommonOne) {
  EXPECT_EQ(load(install("30\n20\n")).apiVersion, 20);
  EXPECT_EQ(load(install("15\n10\n")).apiVersion, 15);
  EXPECT_EQ(load(install(" 10 \n")).apiVersion, 10);
}

TEST_F(OsDefinitionTest, OlderApisReadNoVariantsOrParameters) {
  const fs::path dir = install("10\n");
  fs::remove(dir / "verify");
  fs::remove(dir / "parameters.list");
  const LoadedOs os = load(dir);
  ASSERT_TRUE(os.definition.valid) << os.definition.diagnose;
  EXPECT_TRUE(os.definition.variants.empty());
  EXPECT_TRUE(os.definition.parameters.empty());
  EXPECT_FALSE(os.hasScript("verify"));

  const LoadedOs v15 = load(install("15\n"));
  ASSERT_TRUE(v15.definition.valid);
  EXPECT_EQ(v15.definition.variants.size(), 2u);
  EXPECT_TRUE(v15.definition.parameters.empty());
}

TEST_F(OsDefinitionTest, ApiFileProblems) {
  const fs::path dir = install("20\n");
  fs::remove(dir / "ganeti_api_version");
  EXPECT_EQ(load(dir).definition.diagnose,
            "Required file 'ganeti_api_version' not found under path " + dir.string() +
                ": ENOENT");
  fs::create_directory(dir / "ganeti_api_version");
  EXPECT_EQ(load(dir).definition.diagnose,
            "File 'ganeti_api_version' in " + dir.string() + " is not a regular file");
  fs::remove(dir / "ganeti_api_version");

  writeText(dir / "ganeti_api_version", "20\n\n15\n");
  EXPECT_EQ(load(dir).definition.diagnose,
            "API version(s) can't be converted to integer: invalid literal for int() with "
            "base 10: ''");
  writeText(dir / "ganeti_api_version", "twenty\n");
  EXPECT_EQ(load(dir).definition.diagnose,
            "API version(s) can't be converted to integer: invalid literal for int() with "
            "base 10: 'twenty'");
  writeText(dir / "ganeti_api_version", "5\n");
  const LoadedOs os = load(dir);
  EXPECT_FALSE(os.definition.valid);
  EXPECT_EQ(os.definition.diagnose, "API version mismatch for path '" + dir.string() +
                                        "': found [5], want frozenset({10, 20, 15}).");
  EXPECT_EQ(os.apiVersion, 0);
  writeText(dir / "ganeti_api_version", "");
  EXPECT_EQ(load(dir).definition.diagnose, "API version mismatch for path '" + dir.string() +
                                               "': found [], want frozenset({10, 20, 15}).");
}

TEST_F(OsDefinitionTest, ScriptProblemsInGanetisOrder) {
  const fs::path dir = install("20\n");
  fs::remove(dir / "export");
  fs::remove(dir / "create");
  // export is checked before the create rule.
  EXPECT_EQ(load(dir).definition.diagnose,
            "File 'export' under path '" + dir.string() + "' is missing (ENOENT)");
  writeScript(dir / "export", "#!/bin/sh\n");
  EXPECT_EQ(load(dir).definition.diagnose,
            "A create script (trusted or untrusted) under path '" + dir.string() +
                "' must exist");
  writeScript(dir / "create_untrusted", "#!/bin/sh\n");
  const LoadedOs untrusted = load(dir);
  ASSERT_TRUE(untrusted.definition.valid) << untrusted.definition.diagnose;
  EXPECT_FALSE(untrusted.definition.trusted);

  fs::permissions(dir / "rename", fs::perms(0644));
  EXPECT_EQ(load(dir).definition.diagnose,
            "File 'rename' under path '" + dir.string() + "' is not executable");
  fs::remove(dir / "rename");
  fs::create_directory(dir / "rename");
  EXPECT_EQ(load(dir).definition.diagnose,
            "File 'rename' under path '" + dir.string() + "' is not a regular file");
}

TEST_F(OsDefinitionTest, Api20NeedsVerifyAndParameters) {
  const fs::path dir = install("20\n");
  fs::remove(dir / "parameters.list");
  EXPECT_EQ(load(dir).definition.diagnose,
            "File 'parameters.list' under path '" + dir.string() + "' is missing (ENOENT)");
  fs::remove(dir / "verify");
  EXPECT_EQ(load(dir).definition.diagnose,
            "File 'verify' under path '" + dir.string() + "' is missing (ENOENT)");
  // The highest declared version decides, not the effective one.
  writeText(dir / "ganeti_api_version", "15\n30\n");
  EXPECT_EQ(load(dir).definition.diagnose,
            "File 'verify' under path '" + dir.string() + "' is missing (ENOENT)");
  writeText(dir / "ganeti_api_version", "15\n");
  EXPECT_TRUE(load(dir).definition.valid);
}

TEST_F(OsDefinitionTest, ParameterFileWithAnEmptyLineIsInvalid) {
  const fs::path dir = install("20\n");
  writeText(dir / "parameters.list", "flavor doc\n\nother\n");
  const LoadedOs os = load(dir);
  EXPECT_FALSE(os.definition.valid);
  EXPECT_EQ(os.definition.diagnose, "Empty line 2 in the OS parameters file at " +
                                        (dir / "parameters.list").string());
  writeText(dir / "parameters.list", "  lonely\n");
  const LoadedOs lonely = load(dir);
  ASSERT_TRUE(lonely.definition.valid);
  EXPECT_EQ(lonely.definition.parameters.at(0),
            (std::pair<std::string, std::string>{"lonely", ""}));
}

TEST_F(OsDefinitionTest, SearchPathFirstDirectoryWinsLaterOnesAreHidden) {
  const fs::path second = host_.root() / "second";
  installEnvdump(second, "20\n");
  install("10\n");
  const std::vector<fs::path> path = {searchDir(), second, host_.root() / "absent"};
  auto os = findOs("envdump", path);
  ASSERT_TRUE(os.has_value());
  EXPECT_EQ(os->definition.path, searchDir() / "envdump");
  EXPECT_EQ(os->apiVersion, 10);
  EXPECT_EQ(os->definition.hiddenPaths, std::vector<fs::path>{second / "envdump"});
  EXPECT_EQ(os->definition.hiddenDiagnoses, std::vector<std::string>{""});
  const fs::path third = host_.root() / "third";
  installEnvdump(third, "5\n");
  auto three = findOs("envdump", {searchDir(), second, third});
  ASSERT_TRUE(three.has_value());
  EXPECT_EQ(three->definition.hiddenPaths,
            (std::vector<fs::path>{second / "envdump", third / "envdump"}));
  EXPECT_EQ(three->definition.hiddenDiagnoses,
            (std::vector<std::string>{"", "API version mismatch for path '" +
                                              (third / "envdump").string() +
                                              "': found [5], want frozenset({10, 20, 15})."}));

  installEnvdump(second, "20\n", "other");
  fs::create_directories(second / "bad.name");
  writeText(second / "plainfile", "x");
  const auto all = scanOses(path);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].definition.name, "envdump");
  EXPECT_EQ(all[1].definition.name, "other");
  EXPECT_FALSE(findOs("bad.name", path).has_value());
  EXPECT_FALSE(findOs("missing", path).has_value());
  EXPECT_FALSE(findOs("../envdump", path).has_value());
}

TEST(OsNames, SplitAndValidate) {
  EXPECT_EQ(splitOsName("debootstrap+default"),
            (std::pair<std::string, std::string>{"debootstrap", "default"}));
  EXPECT_EQ(splitOsName("a+b+c"), (std::pair<std::string, std::string>{"a", "b+c"}));
  EXPECT_EQ(splitOsName("plain"), (std::pair<std::string, std::string>{"plain", ""}));
  EXPECT_TRUE(isValidOsName("deb-image_2"));
  EXPECT_FALSE(isValidOsName("bad.name"));
  EXPECT_FALSE(isValidOsName(""));
  EXPECT_FALSE(isValidOsName("a/b"));
  EXPECT_EQ(notFoundMessage("bad.name"), "Directory for OS bad.name not found in search path");
}

}  // namespace
}  // namespace gantry::plugins::os_scripts
