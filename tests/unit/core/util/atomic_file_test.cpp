#include "core/util/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using gantry::core::util::atomicWriteFile;
using gantry::core::util::FileStep;
using gantry::core::util::fileStepName;
using gantry::core::util::FileWriteError;
using gantry::core::util::ScopedFileFaultHook;

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

mode_t modeOf(const fs::path& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/gantry-atomic-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
};

TEST_F(AtomicFileTest, CreatesFileWithContentAndExactMode) {
  const fs::path path = dir_ / "config.data";
  atomicWriteFile(path, "hello\n", 0640);
  EXPECT_EQ(readFile(path), "hello\n");
  EXPECT_EQ(modeOf(path), 0640u);
  EXPECT_EQ(entries(dir_), std::vector<std::string>{"config.data"});
}

TEST_F(AtomicFileTest, ReplacesExistingFile) {
  const fs::path path = dir_ / "config.data";
  atomicWriteFile(path, "old", 0640);
  atomicWriteFile(path, std::string(100000, 'x'), 0640);
  EXPECT_EQ(readFile(path), std::string(100000, 'x'));
  EXPECT_EQ(entries(dir_).size(), 1u);
}

TEST_F(AtomicFileTest, SecretIsNeverWiderThanItsModeEvenBeforeData) {
  const fs::path path = dir_ / "server.pem";
  std::vector<mode_t> seen;
  {
    // At the first write, the temp file exists: its mode must already be
    // the final one, so the secret is never readable by others.
    ScopedFileFaultHook hook([&](FileStep step, const fs::path&) {
      if (step == FileStep::kWrite) {
        for (const auto& name : entries(dir_)) seen.push_back(modeOf(dir_ / name));
      }
      return 0;
    });
    atomicWriteFile(path, "-----BEGIN PRIVATE KEY-----\n", 0600);
  }
  ASSERT_FALSE(seen.empty());
  for (mode_t mode : seen) EXPECT_EQ(mode, 0600u);
  EXPECT_EQ(modeOf(path), 0600u);
}

TEST_F(AtomicFileTest, ModeIsExactDespiteUmask) {
  const mode_t old_umask = ::umask(077);
  atomicWriteFile(dir_ / "public", "x", 0644);
  ::umask(old_umask);
  EXPECT_EQ(modeOf(dir_ / "public"), 0644u);
}

class AtomicFileStepFailure : public AtomicFileTest,
                              public ::testing::WithParamInterface<FileStep> {};

TEST_P(AtomicFileStepFailure, LeavesOldFileAndNoTemp) {
  const FileStep failing = GetParam();
  const fs::path path = dir_ / "config.data";
  const std::string old_content = "{\n  \"serial_no\": 1\n}\n";
  atomicWriteFile(path, old_content, 0640);

  int calls = 0;
  ScopedFileFaultHook hook([&](FileStep step, const fs::path& target) {
    if (step == failing && target == path) {
      ++calls;
      return ENOSPC;
    }
    return 0;
  });
  try {
    atomicWriteFile(path, std::string(5000, 'n'), 0640);
    FAIL() << "no error at step " << fileStepName(failing);
  } catch (const FileWriteError& e) {
    EXPECT_EQ(e.step(), failing);
    EXPECT_EQ(e.errorNumber(), ENOSPC);
    EXPECT_EQ(std::string(e.what()),
              "Cannot write " + path.string() + ": " + fileStepName(failing) +
                  " failed: No space left on device");
  }
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(readFile(path), old_content);
  EXPECT_EQ(entries(dir_), std::vector<std::string>{"config.data"});
}

TEST_P(AtomicFileStepFailure, WithoutOldFileLeavesNothing) {
  const FileStep failing = GetParam();
  const fs::path path = dir_ / "new.file";
  ScopedFileFaultHook hook([&](FileStep step, const fs::path&) {
    return step == failing ? EIO : 0;
  });
  EXPECT_THROW(atomicWriteFile(path, "data", 0600), FileWriteError);
  EXPECT_TRUE(entries(dir_).empty());
}

INSTANTIATE_TEST_SUITE_P(EveryStep, AtomicFileStepFailure,
                         ::testing::Values(FileStep::kOpen, FileStep::kWrite,
                                           FileStep::kFsync, FileStep::kRename,
                                           FileStep::kDirSync),
                         [](const auto& info) {
                           return std::string(fileStepName(info.param));
                         });

TEST_F(AtomicFileTest, HookIsRemovedWithItsScope) {
  {
    ScopedFileFaultHook hook([](FileStep, const fs::path&) { return EIO; });
    EXPECT_THROW(atomicWriteFile(dir_ / "f", "x", 0600), FileWriteError);
  }
  atomicWriteFile(dir_ / "f", "x", 0600);
  EXPECT_EQ(readFile(dir_ / "f"), "x");
}

// A real full file system: a 64 KiB tmpfs. Needs root (CI runs as root).
class AtomicFileEnospc : public AtomicFileTest {
 protected:
  void SetUp() override {
    AtomicFileTest::SetUp();
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to mount a tmpfs";
    if (::mount("tmpfs", dir_.c_str(), "tmpfs", 0, "size=64k") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs here: " << std::strerror(errno);
    }
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
    AtomicFileTest::TearDown();
  }

  bool mounted_ = false;
};

TEST_F(AtomicFileEnospc, OversizedWriteKeepsOldFile) {
  const fs::path path = dir_ / "config.data";
  const std::string old_content(10000, 'o');
  atomicWriteFile(path, old_content, 0640);
  try {
    atomicWriteFile(path, std::string(200 * 1024, 'n'), 0640);
    FAIL() << "a 200 KiB file fit into a 64 KiB tmpfs";
  } catch (const FileWriteError& e) {
    EXPECT_EQ(e.step(), FileStep::kWrite);
    EXPECT_NE(std::string(e.what()).find("write failed: No space left on device"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(readFile(path), old_content);
  EXPECT_EQ(entries(dir_), std::vector<std::string>{"config.data"});
  // The space of the failed temp file is free again.
  atomicWriteFile(path, std::string(20000, 'm'), 0640);
  EXPECT_EQ(readFile(path), std::string(20000, 'm'));
}

}  // namespace
