#include "os_log.h"

#include <gtest/gtest.h>

#include <ctime>

namespace gantry::plugins::os_scripts {
namespace {

namespace fs = std::filesystem;

std::chrono::system_clock::time_point localTime(int y, int mo, int d, int h, int mi, int s) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  tm.tm_isdst = -1;
  return std::chrono::system_clock::from_time_t(std::mktime(&tm));
}

TEST(OsLog, FileNamesFollowGaneti) {
  const auto when = localTime(2026, 11, 30, 1, 10, 5);
  EXPECT_EQ(logTimestamp(when), "2026-11-30_01_10_05");
  auto add = osLogFile("/var/log/gantry", "add", "envprobe+beta", "ep1", "", when);
  ASSERT_TRUE(add.ok());
  EXPECT_EQ(*add, fs::path("/var/log/gantry/os/add-envprobe+beta-ep1-2026-11-30_01_10_05.log"));
  auto imp = osLogFile("/l", "import", "envprobe+beta", "ep1", "disk0", when);
  ASSERT_TRUE(imp.ok());
  EXPECT_EQ(imp->filename(), "import-envprobe+beta-ep1-disk0-2026-11-30_01_10_05.log");
}

TEST(OsLog, RefusesNamesThatAreNotFileNames) {
  const auto now = std::chrono::system_clock::now();
  EXPECT_FALSE(osLogFile("/l", "add", "os", "../etc", "", now).ok());
  EXPECT_FALSE(osLogFile("/l", "add", "os", ".hidden", "", now).ok());
  EXPECT_FALSE(osLogFile("/l", "add", "os+a/b", "i", "", now).ok());
  EXPECT_EQ(osLogFile("/l", "add", "os", "", "", now).error().code,
            sdk::ErrorCode::kInvalid);
}

TEST(OsLog, LastLines) {
  EXPECT_EQ(lastLines("a\nb\nc\n", 2), "b\nc");
  EXPECT_EQ(lastLines("a\nb\nc", 1), "c");
  EXPECT_EQ(lastLines("a\nb\n", 5), "a\nb");
  EXPECT_EQ(lastLines("", 3), "");
}

}  // namespace
}  // namespace gantry::plugins::os_scripts
