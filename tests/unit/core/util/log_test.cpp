#include "core/util/log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace util = gantry::core::util;
using util::FeedbackKind;
using util::LogLevel;

namespace {

// Mon Oct 26 04:06:52 2009 UTC, the walkthrough's instance add.
constexpr std::time_t kInstanceAdd = 1256530012;

// Pins TZ for the test and restores it afterwards.
class ScopedTz {
 public:
  explicit ScopedTz(const char* tz) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  ~ScopedTz() {
    if (old_) {
      ::setenv("TZ", old_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }

 private:
  std::optional<std::string> old_;
};

class LogTest : public ::testing::Test {
 protected:
  ScopedTz tz_{"UTC"};
};

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "gantry-log-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace

TEST_F(LogTest, CtimeMatchesPython) {
  EXPECT_EQ(util::formatCtime(kInstanceAdd), "Mon Oct 26 04:06:52 2009");
  // Day of month padded with a space, as time.ctime does.
  EXPECT_EQ(util::formatCtime(1254355200), "Thu Oct  1 00:00:00 2009");
  EXPECT_EQ(util::formatCtime(0), "Thu Jan  1 00:00:00 1970");
}

TEST(LogTimezone, CtimeUsesLocalTime) {
  ScopedTz tz("CET-1CEST,M3.5.0,M10.5.0/3");
  EXPECT_EQ(util::formatCtime(kInstanceAdd), "Mon Oct 26 05:06:52 2009");
}

TEST_F(LogTest, LevelNames) {
  EXPECT_STREQ(util::logLevelName(LogLevel::kDebug), "DEBUG");
  EXPECT_STREQ(util::logLevelName(LogLevel::kInfo), "INFO");
  EXPECT_STREQ(util::logLevelName(LogLevel::kWarning), "WARNING");
  EXPECT_STREQ(util::logLevelName(LogLevel::kError), "ERROR");
}

TEST_F(LogTest, DaemonLogLine) {
  EXPECT_EQ(util::formatLogLine(kInstanceAdd, LogLevel::kInfo, "text"),
            "Mon Oct 26 04:06:52 2009 - INFO: text");
  EXPECT_EQ(util::formatLogLine(kInstanceAdd, LogLevel::kWarning, "disk degraded"),
            "Mon Oct 26 04:06:52 2009 - WARNING: disk degraded");
  EXPECT_EQ(util::formatLogLine(kInstanceAdd, LogLevel::kError, ""),
            "Mon Oct 26 04:06:52 2009 - ERROR: ");
}

TEST_F(LogTest, MultiLineTextRepeatsThePrefix) {
  EXPECT_EQ(util::formatLogLine(kInstanceAdd, LogLevel::kDebug, "a\nb\n"),
            "Mon Oct 26 04:06:52 2009 - DEBUG: a\n"
            "Mon Oct 26 04:06:52 2009 - DEBUG: b");
}

// Lines 278-286 and 521-522 of the walkthrough.
TEST_F(LogTest, FeedbackLinesAsInTheWalkthrough) {
  EXPECT_EQ(util::formatFeedbackLine(
                kInstanceAdd, FeedbackKind::kInfo,
                "Selected nodes for instance instance1 via iallocator hail: node2, node3"),
            "Mon Oct 26 04:06:52 2009  - INFO: Selected nodes for instance "
            "instance1 via iallocator hail: node2, node3");
  EXPECT_EQ(util::formatFeedbackLine(kInstanceAdd + 1, FeedbackKind::kStep,
                                     "creating instance disks..."),
            "Mon Oct 26 04:06:53 2009 * creating instance disks...");
  EXPECT_EQ(util::formatFeedbackLine(kInstanceAdd + 5, FeedbackKind::kPlain,
                                     "adding instance instance1 to cluster config"),
            "Mon Oct 26 04:06:57 2009 adding instance instance1 to cluster config");
  EXPECT_EQ(util::formatFeedbackLine(
                1256533542, FeedbackKind::kWarning,
                "Failed to shutdown drbd for disk/0 on oldnode: Node is marked offline"),
            "Mon Oct 26 05:05:42 2009  - WARNING: Failed to shutdown drbd for "
            "disk/0 on oldnode: Node is marked offline");
  EXPECT_EQ(util::formatFeedbackLine(1256533542, FeedbackKind::kHint,
                                     "Please cleanup this device manually as soon as possible"),
            "Mon Oct 26 05:05:42 2009       Hint: Please cleanup this device "
            "manually as soon as possible");
  EXPECT_EQ(util::formatJobLogLine(1256533540,
                                   util::stepMessage(1, 6, "Check device existence")),
            "Mon Oct 26 05:05:40 2009 STEP 1/6 Check device existence");
}

TEST(SafeEncode, EscapesLikeGaneti) {
  EXPECT_EQ(util::safeEncode("plain text: 20.00% done"), "plain text: 20.00% done");
  EXPECT_EQ(util::safeEncode("a\tb\nc"), "a\\tb\\nc");
  EXPECT_EQ(util::safeEncode("a\rb"), "a\\'rb");
  EXPECT_EQ(util::safeEncode(std::string("\x01\x1f\x7f", 3)), "\\x01\\x1f\\x7f");
  EXPECT_EQ(util::safeEncode(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(util::safeEncode("caf\xc3\xa9"), "caf\\xe9");              // U+00E9
  EXPECT_EQ(util::safeEncode("\xe2\x82\xac"), "\\u20ac");              // U+20AC
  EXPECT_EQ(util::safeEncode("\xf0\x9f\x98\x80"), "\\U0001f600");      // U+1F600
  EXPECT_EQ(util::safeEncode("\xff\xc3"), "\\xff\\xc3");               // not UTF-8
  EXPECT_EQ(util::safeEncode("back\\slash 'q'"), "back\\slash 'q'");
}

TEST_F(LogTest, FeedbackMessageIsSafeEncoded) {
  EXPECT_EQ(util::formatFeedbackLine(kInstanceAdd, FeedbackKind::kInfo, "two\nlines"),
            "Mon Oct 26 04:06:52 2009  - INFO: two\\nlines");
}

TEST_F(LogTest, LoggerWritesFileAndStreamWithFixedClock) {
  TempDir dir;
  std::ostringstream stream;
  util::LoggerOptions options;
  options.file = dir.path() / "node-daemon.log";
  options.stream = &stream;
  options.clock = [] { return kInstanceAdd; };
  auto logger = util::Logger::create(options);
  ASSERT_TRUE(logger.ok()) << logger.error().message;

  (*logger)->info("started");
  (*logger)->debug("dropped: below the minimum level");
  (*logger)->warning("careful");
  (*logger)->setMinLevel(LogLevel::kDebug);
  (*logger)->debug("now shown");

  const std::string expected =
      "Mon Oct 26 04:06:52 2009 - INFO: started\n"
      "Mon Oct 26 04:06:52 2009 - WARNING: careful\n"
      "Mon Oct 26 04:06:52 2009 - DEBUG: now shown\n";
  EXPECT_EQ(readFile(*options.file), expected);
  EXPECT_EQ(stream.str(), expected);
}

TEST_F(LogTest, LoggerAppendsToAnExistingFile) {
  TempDir dir;
  const auto file = dir.path() / "log";
  { std::ofstream(file) << "old line\n"; }
  util::LoggerOptions options;
  options.file = file;
  options.clock = [] { return kInstanceAdd; };
  auto logger = util::Logger::create(options);
  ASSERT_TRUE(logger.ok());
  (*logger)->error("boom");
  EXPECT_EQ(readFile(file), "old line\nMon Oct 26 04:06:52 2009 - ERROR: boom\n");
}

TEST_F(LogTest, LoggerReopenFollowsRotation) {
  TempDir dir;
  const auto file = dir.path() / "log";
  util::LoggerOptions options;
  options.file = file;
  options.clock = [] { return kInstanceAdd; };
  auto logger = util::Logger::create(options);
  ASSERT_TRUE(logger.ok());
  (*logger)->info("before");
  std::filesystem::rename(file, dir.path() / "log.1");
  ASSERT_TRUE((*logger)->reopen().ok());
  (*logger)->info("after");
  EXPECT_EQ(readFile(dir.path() / "log.1"), "Mon Oct 26 04:06:52 2009 - INFO: before\n");
  EXPECT_EQ(readFile(file), "Mon Oct 26 04:06:52 2009 - INFO: after\n");
}

TEST_F(LogTest, LoggerOpenFailureNamesTheFile) {
  TempDir dir;
  util::LoggerOptions options;
  options.file = dir.path() / "missing-dir" / "log";
  auto logger = util::Logger::create(options);
  ASSERT_FALSE(logger.ok());
  EXPECT_EQ(logger.error().code, gantry::sdk::ErrorCode::kEnvironment);
  EXPECT_NE(logger.error().message.find(options.file->string()), std::string::npos)
      << logger.error().message;
}

TEST_F(LogTest, LoggerLinesNeverInterleaveAcrossThreads) {
  TempDir dir;
  util::LoggerOptions options;
  options.file = dir.path() / "log";
  options.clock = [] { return kInstanceAdd; };
  auto logger = util::Logger::create(options);
  ASSERT_TRUE(logger.ok());

  constexpr int kThreads = 8;
  constexpr int kLines = 200;
  const std::string payload(300, 'x');
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kLines; ++i) {
        (*logger)->info("t" + std::to_string(t) + " i" + std::to_string(i) + " " + payload);
      }
    });
  }
  for (auto& th : threads) th.join();

  std::ifstream in(*options.file);
  std::string line;
  std::set<std::string> seen;
  const std::string prefix = "Mon Oct 26 04:06:52 2009 - INFO: ";
  while (std::getline(in, line)) {
    ASSERT_EQ(line.rfind(prefix, 0), 0u) << line;
    ASSERT_EQ(line.substr(line.size() - payload.size()), payload) << line;
    seen.insert(line.substr(prefix.size(), line.size() - prefix.size() - payload.size()));
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kThreads * kLines));
}
