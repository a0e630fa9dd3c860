#include "cluster/golden_support.h"

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

namespace gantry::test {

std::string maskedOutput(const std::string& text, const std::filesystem::path& clusterDir) {
  struct Mask {
    std::regex pattern;
    const char* replacement;
  };
  static const std::vector<Mask> masks = {
      {std::regex(R"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"), "<uuid>"},
      {std::regex(R"(aa:00:00(:[0-9a-f]{2}){3})"), "<mac>"},
      {std::regex(R"([A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d \d{4})"), "<time>"},
      {std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)"), "<time>"},
      {std::regex(R"((jobs?|Job) \d+((, \d+)*))"), "$1 <job>"},
  };
  std::string out = text;
  const std::string dir = clusterDir.string();
  for (std::size_t at = out.find(dir); !dir.empty() && at != std::string::npos;
       at = out.find(dir, at)) {
    out.replace(at, dir.size(), "<dir>");
  }
  for (const auto& mask : masks) out = std::regex_replace(out, mask.pattern, mask.replacement);
  return out;
}

void expectGolden(const std::string& name, const std::string& text,
                  const std::filesystem::path& clusterDir) {
  const std::filesystem::path file =
      std::filesystem::path(GANTRY_SOURCE_DIR) / "tests/integration/golden" / (name + ".txt");
  const std::string masked = maskedOutput(text, clusterDir);
  if (const char* update = std::getenv("GANTRY_UPDATE_GOLDEN"); update && *update == '1') {
    std::ofstream(file, std::ios::trunc) << masked;
    return;
  }
  std::ifstream in(file);
  ASSERT_TRUE(in) << "no golden file " << file << " (GANTRY_UPDATE_GOLDEN=1 writes it); output:\n"
                  << masked;
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(masked, expected.str()) << "golden file " << file;
}

}  // namespace gantry::test
