// The debootstrap OS's parameters: the machine's defaults read from its
// os-release and apt sources (both formats), every refusal naming the
// parameter, and the cache key following what debootstrap would fetch.
#include "install_params.h"

#include <gtest/gtest.h>

namespace gantry::plugins::os_debootstrap {
namespace {

// Debian 12's own /etc/apt/sources.list.d/debian.sources, as installed.
constexpr const char* kDebianSources = R"(Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
)";

TEST(DebootstrapParams, MachineDefaultsFromOsReleaseAndAptSources) {
  EXPECT_EQ(codenameFromOsRelease("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
                                  "VERSION_CODENAME=bookworm\nID=debian\n"),
            "bookworm");
  EXPECT_EQ(codenameFromOsRelease("ID=debian\n"), std::nullopt);
  EXPECT_EQ(mirrorFromDeb822(kDebianSources, "bookworm"), "http://deb.debian.org/debian");
  EXPECT_EQ(mirrorFromDeb822(kDebianSources, "bookworm-security"),
            "http://deb.debian.org/debian-security");
  EXPECT_EQ(mirrorFromDeb822(kDebianSources, "trixie"), std::nullopt);
  EXPECT_EQ(mirrorFromDeb822("Types: deb-src\nURIs: http://src.example/debian\nSuites: bookworm\n",
                             "bookworm"),
            std::nullopt)
      << "source-only stanzas are no binary mirror";
  EXPECT_EQ(mirrorFromOneLine("# comment\ndeb-src http://a/debian bookworm main\n"
                              "deb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian "
                              "bookworm main contrib\n",
                              "bookworm"),
            "http://mirror.example/debian");
  EXPECT_EQ(mirrorFromOneLine("deb http://x/debian bullseye main\n", "bookworm"), std::nullopt);
}

TEST(DebootstrapParams, DefaultsFillWhatIsLeftOut) {
  const MachineDefaults machine{"bookworm", "http://mirror.example/debian"};
  auto params = installParams("debootstrap+default", {}, machine);
  ASSERT_TRUE(params.ok()) << params.error().message;
  EXPECT_EQ(params->suite, "bookworm");
  EXPECT_EQ(params->mirror, "http://mirror.example/debian");
  EXPECT_EQ(params->variant, "default");
  EXPECT_EQ(params->partitionStyle, "msdos");
  EXPECT_EQ(params->filesystem, "ext4");
  EXPECT_EQ(params->packages, (std::vector<std::string>{"systemd-sysv", "udev"}));

  auto bare = installParams("debootstrap+minbase",
                            {{"suite", std::string("trixie")},
                             {"extra_packages", std::string("less, vim-tiny,less")},
                             {"partition_style", std::string("none")}},
                            machine);
  ASSERT_TRUE(bare.ok()) << bare.error().message;
  EXPECT_EQ(bare->suite, "trixie");
  EXPECT_EQ(bare->packages, (std::vector<std::string>{"less", "vim-tiny"}));
  EXPECT_EQ(bare->partitionStyle, "none");
  EXPECT_EQ(installParams("debootstrap", {}, machine)->variant, "default");
}

TEST(DebootstrapParams, RefusalsNameTheParameter) {
  const MachineDefaults machine;
  struct Case {
    std::string os;
    sdk::ParamMap params;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"debootstrap+huge", {}, "does not support variant 'huge'"},
      {"debootstrap+default", {{"colour", std::string("red")}},
       "parameters are not supported by the OS debootstrap: colour"},
      {"debootstrap+default", {{"mirror", std::string("ftp://old.example/debian")}},
       "Invalid value 'ftp://old.example/debian' for OS parameter 'mirror'"},
      {"debootstrap+default", {{"mirror", std::string("http://x/debian main; rm")}},
       "for OS parameter 'mirror'"},
      {"debootstrap+default", {{"suite", std::string("../etc")}},
       "Invalid value '../etc' for OS parameter 'suite'"},
      {"debootstrap+default", {{"partition_style", std::string("gpt")}},
       "for OS parameter 'partition_style': expected msdos or none"},
      {"debootstrap+default", {{"filesystem", std::string("btrfs")}},
       "for OS parameter 'filesystem'"},
      {"debootstrap+default", {{"extra_packages", std::string("ok,--force-yes")}},
       "Invalid value '--force-yes' for OS parameter 'extra_packages'"},
  };
  for (const auto& c : cases) {
    auto params = installParams(c.os, c.params, machine);
    ASSERT_FALSE(params.ok()) << c.expected;
    EXPECT_EQ(params.error().code, sdk::ErrorCode::kInvalid);
    EXPECT_NE(params.error().message.find(c.expected), std::string::npos)
        << params.error().message;
  }
}

TEST(DebootstrapParams, CacheKeyFollowsWhatDebootstrapFetches) {
  const MachineDefaults machine{"bookworm", "http://a.example/debian"};
  auto key = [&](const std::string& os, sdk::ParamMap params) {
    return cacheKey(*installParams(os, params, machine));
  };
  const std::string base = key("debootstrap+default", {});
  EXPECT_EQ(base.rfind("bookworm-default-", 0), 0u) << base;
  EXPECT_EQ(base.substr(base.size() - 4), ".tar");
  EXPECT_NE(key("debootstrap+minbase", {}), base);
  EXPECT_NE(key("debootstrap+default", {{"mirror", std::string("http://b.example/debian")}}), base);
  EXPECT_NE(key("debootstrap+default", {{"extra_packages", std::string("less")}}), base);
  EXPECT_EQ(key("debootstrap+default", {{"extra_packages", std::string("less,file")}}),
            key("debootstrap+default", {{"extra_packages", std::string("file,less")}}));
  // Layout choices do not change what is fetched.
  EXPECT_EQ(key("debootstrap+default", {{"partition_style", std::string("none")}}), base);
}

}  // namespace
}  // namespace gantry::plugins::os_debootstrap
