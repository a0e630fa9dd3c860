#include "core/util/names.h"

#include <gtest/gtest.h>

#include <string>

namespace util = gantry::core::util;
using gantry::sdk::ErrorCode;

namespace {

template <typename R>
std::string errorOf(const R& result) {
  EXPECT_FALSE(result.ok());
  if (result.ok()) return "";
  EXPECT_EQ(result.error().code, ErrorCode::kInvalid);
  return result.error().message;
}

}  // namespace

TEST(Hostname, NormalizesCaseAndTrailingDots) {
  EXPECT_EQ(*util::normalizeHostname("node1"), "node1");
  EXPECT_EQ(*util::normalizeHostname("Node1.Example.COM"), "node1.example.com");
  EXPECT_EQ(*util::normalizeHostname("node1.example.com."), "node1.example.com");
  EXPECT_EQ(*util::normalizeHostname("instance_1"), "instance_1");  // Ganeti allows '_'
  EXPECT_EQ(*util::normalizeHostname("a-b.c-d"), "a-b.c-d");
  EXPECT_EQ(*util::normalizeHostname("1.2.3.4"), "1.2.3.4");
}

TEST(Hostname, RejectsWhatGanetiRejects) {
  EXPECT_EQ(errorOf(util::normalizeHostname("")), "Invalid hostname ''");
  EXPECT_EQ(errorOf(util::normalizeHostname("a..b")), "Invalid hostname 'a..b'");
  EXPECT_EQ(errorOf(util::normalizeHostname("node1..")), "Invalid hostname 'node1..'");
  EXPECT_EQ(errorOf(util::normalizeHostname(".node1")), "Invalid hostname '.node1'");
  EXPECT_EQ(errorOf(util::normalizeHostname("Node 1")), "Invalid hostname 'node 1'");
  EXPECT_EQ(errorOf(util::normalizeHostname("node/1")), "Invalid hostname 'node/1'");
  EXPECT_EQ(errorOf(util::normalizeHostname("n\xc3\xa9")), "Invalid hostname 'n\xc3\xa9'");
  EXPECT_EQ(errorOf(util::normalizeHostname("a;rm")), "Invalid hostname 'a;rm'");
  EXPECT_EQ(errorOf(util::normalizeHostname("a\nb")), "Invalid hostname 'a\\x0ab'");
  EXPECT_EQ(errorOf(util::normalizeHostname(std::string("a\0b", 3))),
            "Invalid hostname 'a\\x00b'");
}

TEST(Hostname, NoLeadingDashSoItCannotPassForAnOption) {
  EXPECT_EQ(errorOf(util::normalizeHostname("-rf")), "Invalid hostname '-rf'");
  EXPECT_TRUE(util::normalizeHostname("a-").ok());
}

TEST(Hostname, LengthLimits) {
  const std::string label63(63, 'a');
  const std::string label64(64, 'a');
  EXPECT_TRUE(util::normalizeHostname(label63 + ".example").ok());
  EXPECT_FALSE(util::normalizeHostname(label64 + ".example").ok());
  EXPECT_FALSE(util::normalizeHostname("example." + label64).ok());

  // 4 labels of 63 plus 3 dots = 255: the maximum.
  const std::string longest = label63 + "." + label63 + "." + label63 + "." + label63;
  ASSERT_EQ(longest.size(), 255u);
  EXPECT_TRUE(util::normalizeHostname(longest).ok());
  EXPECT_FALSE(util::normalizeHostname(longest + ".").ok());  // 256 before stripping
  EXPECT_FALSE(util::normalizeHostname(longest + "a").ok());
}

TEST(Hostname, CheckRequiresNormalizedForm) {
  EXPECT_TRUE(util::checkHostname("node1.example.com").ok());
  EXPECT_EQ(errorOf(util::checkHostname("Node1")), "Invalid hostname 'Node1'");
  EXPECT_EQ(errorOf(util::checkHostname("node1.")), "Invalid hostname 'node1.'");
  EXPECT_EQ(errorOf(util::checkHostname("a..b")), "Invalid hostname 'a..b'");
}

TEST(OsName, SplitsAtTheFirstPlus) {
  auto plain = util::splitOsName("debootstrap");
  EXPECT_EQ(plain.name, "debootstrap");
  EXPECT_EQ(plain.variant, "");
  auto variant = util::splitOsName("envprobe+beta");
  EXPECT_EQ(variant.name, "envprobe");
  EXPECT_EQ(variant.variant, "beta");
  auto twice = util::splitOsName("a+b+c");
  EXPECT_EQ(twice.name, "a");
  EXPECT_EQ(twice.variant, "b+c");
}

TEST(OsName, Validation) {
  EXPECT_TRUE(util::checkOsName("debootstrap").ok());
  EXPECT_TRUE(util::checkOsName("envprobe+beta").ok());
  EXPECT_TRUE(util::checkOsName("lxc-debian_12.1+x86-64").ok());
  EXPECT_EQ(errorOf(util::checkOsName("")), "Invalid OS name ''");
  EXPECT_EQ(errorOf(util::checkOsName("../etc")), "Invalid OS name '../etc'");
  EXPECT_EQ(errorOf(util::checkOsName("a/b")), "Invalid OS name 'a/b'");
  EXPECT_EQ(errorOf(util::checkOsName(".hidden")), "Invalid OS name '.hidden'");
  EXPECT_EQ(errorOf(util::checkOsName("-x")), "Invalid OS name '-x'");
  EXPECT_EQ(errorOf(util::checkOsName("+beta")), "Invalid OS name '+beta'");
  EXPECT_EQ(errorOf(util::checkOsName("os+")), "Invalid OS variant ''");
  EXPECT_EQ(errorOf(util::checkOsName("os+a/b")), "Invalid OS variant 'a/b'");
  EXPECT_EQ(errorOf(util::checkOsName("os+a+b")), "Invalid OS variant 'a+b'");
  EXPECT_EQ(errorOf(util::checkOsName("os+$(id)")), "Invalid OS variant '$(id)'");
}

TEST(LvmName, AcceptsGanetiNames) {
  EXPECT_TRUE(util::checkLvmName("xenvg").ok());
  EXPECT_TRUE(util::checkLvmName("0b7b8f6e-7c8d-4f5e-9a1b-2c3d4e5f6a7b.disk0_data").ok());
  EXPECT_TRUE(util::checkLvmName("lv.snap").ok());
  EXPECT_TRUE(util::checkLvmName("a+b_c.d-e").ok());
  EXPECT_TRUE(util::checkLvmName("snapshots").ok());  // only the exact word is reserved
}

TEST(LvmName, RejectsReservedAndUnsafe) {
  for (const char* name : {".", "..", "snapshot", "pvmove", "x_mlog", "a_mimage_0",
                           "has space", "a/b", "a:b", "$(x)", "", "-lv"}) {
    EXPECT_EQ(errorOf(util::checkLvmName(name)),
              std::string("Invalid LVM name '") + name + "'")
        << name;
  }
}

TEST(SafePathComponent, AcceptsOrdinaryNames) {
  EXPECT_TRUE(util::checkSafePathComponent("instance1.example.com").ok());
  EXPECT_TRUE(util::checkSafePathComponent("disk0.img").ok());
  EXPECT_TRUE(util::checkSafePathComponent("..hidden").ok());
  EXPECT_TRUE(util::checkSafePathComponent("a b").ok());
}

TEST(SafePathComponent, RejectionsNameTheValueAndReason) {
  EXPECT_EQ(errorOf(util::checkSafePathComponent("", "export name")),
            "Invalid export name '': must not be empty");
  EXPECT_EQ(errorOf(util::checkSafePathComponent(".")),
            "Invalid name '.': must not be '.' or '..'");
  EXPECT_EQ(errorOf(util::checkSafePathComponent("..")),
            "Invalid name '..': must not be '.' or '..'");
  EXPECT_EQ(errorOf(util::checkSafePathComponent("a/b")),
            "Invalid name 'a/b': must not contain '/'");
  EXPECT_EQ(errorOf(util::checkSafePathComponent(std::string("a\0b", 3))),
            "Invalid name 'a\\x00b': must not contain a NUL byte");
  EXPECT_EQ(errorOf(util::checkSafePathComponent("-f")),
            "Invalid name '-f': must not start with '-'");
}

TEST(RelativeStoragePath, CleansAcceptablePaths) {
  EXPECT_EQ(*util::checkRelativeStoragePath("inst1"), "inst1");
  EXPECT_EQ(*util::checkRelativeStoragePath("mydir/inst1"), "mydir/inst1");
  EXPECT_EQ(*util::checkRelativeStoragePath("a//./b/"), "a/b");
  EXPECT_EQ(*util::checkRelativeStoragePath("./a"), "a");
  EXPECT_EQ(*util::checkRelativeStoragePath("a..b/c"), "a..b/c");
}

TEST(RelativeStoragePath, RejectsEscapes) {
  EXPECT_EQ(errorOf(util::checkRelativeStoragePath("/srv/x")),
            "Invalid file storage path '/srv/x': must be relative");
  EXPECT_EQ(errorOf(util::checkRelativeStoragePath("..")),
            "Invalid file storage path '..': must not contain '..'");
  EXPECT_EQ(errorOf(util::checkRelativeStoragePath("a/../../etc")),
            "Invalid file storage path 'a/../../etc': must not contain '..'");
  EXPECT_EQ(errorOf(util::checkRelativeStoragePath("a/..")),
            "Invalid file storage path 'a/..': must not contain '..'");
  EXPECT_EQ(errorOf(util::checkRelativeStoragePath(std::string("a\0/b", 4))),
            "Invalid file storage path 'a\\x00/b': must not contain a NUL byte");
  EXPECT_EQ(errorOf(util::checkRelativeStoragePath("")),
            "Invalid file storage path '': must not be empty");
  EXPECT_EQ(errorOf(util::checkRelativeStoragePath("./")),
            "Invalid file storage path './': must not be empty");
}
