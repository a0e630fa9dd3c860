// The files that make an installed system the instance's own, and the
// refusal to follow a symbolic link out of the instance's filesystem.
#include "guest_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace gantry::plugins::os_debootstrap {
namespace {
namespace fs = std::filesystem;

class GuestRoot : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("guest-files-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    root_ = base_ / "root";
    fs::create_directories(root_ / "etc/apt");
  }
  void TearDown() override { fs::remove_all(base_); }
  std::string read(const fs::path& file) {
    std::ifstream in(file);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  fs::path base_;
  fs::path root_;
};

TEST_F(GuestRoot, ConfigureWritesNameFstabAndAptSource) {
  ASSERT_TRUE(configureGuest(root_, {"vm1.example.com", "0b5f7e8c-1111-2222-3333-444455556666",
                                     "ext4", "http://deb.debian.org/debian", "bookworm"})
                  .ok());
  EXPECT_EQ(read(root_ / "etc/hostname"), "vm1.example.com\n");
  EXPECT_NE(read(root_ / "etc/hosts").find("127.0.1.1\tvm1.example.com\n"), std::string::npos);
  EXPECT_NE(
      read(root_ / "etc/fstab")
          .find("UUID=0b5f7e8c-1111-2222-3333-444455556666\t/\text4\terrors=remount-ro\t0\t1"),
      std::string::npos);
  EXPECT_EQ(read(root_ / "etc/apt/sources.list"),
            "deb http://deb.debian.org/debian bookworm main\n");
}

TEST_F(GuestRoot, RenameReplacesWholeNamesOnly) {
  EXPECT_EQ(renamedHosts("127.0.1.1\tvm1 vm1.lan\n10.0.0.1 vm10 xvm1\n", "vm1", "web"),
            "127.0.1.1\tweb vm1.lan\n10.0.0.1 vm10 xvm1\n");
  ASSERT_TRUE(configureGuest(root_, {"vm1", "u", "ext4", "http://m/debian", "bookworm"}).ok());
  ASSERT_TRUE(renameGuest(root_, "vm1", "web").ok());
  EXPECT_EQ(read(root_ / "etc/hostname"), "web\n");
  EXPECT_NE(read(root_ / "etc/hosts").find("127.0.1.1\tweb\n"), std::string::npos);
}

TEST_F(GuestRoot, SymbolicLinksAreNotFollowed) {
  const fs::path outside = base_ / "outside";
  fs::create_directories(outside);
  std::ofstream(outside / "precious") << "keep\n";
  fs::create_symlink(outside / "precious", root_ / "etc/hostname");
  auto written = writeGuestFile(root_, "etc/hostname", "evil\n");
  ASSERT_FALSE(written.ok());
  EXPECT_NE(written.error().message.find("symbolic link /etc/hostname"), std::string::npos)
      << written.error().message;
  EXPECT_EQ(read(outside / "precious"), "keep\n");

  // A linked directory is refused just the same.
  fs::remove_all(root_ / "etc");
  fs::create_directory_symlink(outside, root_ / "etc");
  EXPECT_FALSE(renameGuest(root_, "vm1", "web").ok());
  EXPECT_FALSE(fs::exists(outside / "hostname"));
  EXPECT_FALSE(readGuestFile(root_, "etc/precious").ok());
}

}  // namespace
}  // namespace gantry::plugins::os_debootstrap
