// SHA-1 digests as cluster verify compares replicated files.
#include "core/cluster/file_digest.h"

#include <fstream>

#include <gtest/gtest.h>

#include "cluster_test_support.h"

namespace gantry::core::cluster {
namespace {
namespace fs = std::filesystem;

TEST(FileDigestTest, Sha1OfKnownStrings) {
  EXPECT_EQ(sha1Hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(sha1Hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

TEST(FileDigestTest, RegularFilesOnly) {
  test::ScratchDir scratch;
  const fs::path& dir = scratch.path();
  std::ofstream(dir / "f") << "abc";
  EXPECT_EQ(fileSha1(dir / "f"), std::optional<std::string>("a9993e364706816aba3e25717850c26c9cd0d89d"));
  EXPECT_EQ(fileSha1(dir / "missing"), std::nullopt);
  EXPECT_EQ(fileSha1(dir), std::nullopt);
}

}  // namespace
}  // namespace gantry::core::cluster
