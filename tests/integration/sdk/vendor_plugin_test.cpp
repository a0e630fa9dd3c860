// A plugin vendor's view: install the SDK to a prefix, build a plugin from a
// directory outside the source tree with only find_package(GantrySDK), and
// see the installed kernel load it.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <unistd.h>

#include "core/util/process.h"

namespace {
namespace fs = std::filesystem;
using gantry::sdk::ProcessRequest;
using gantry::sdk::ProcessResult;

ProcessResult run(std::vector<std::string> argv, std::chrono::seconds timeout =
                                                     std::chrono::seconds(240)) {
  ProcessRequest req;
  req.argv = std::move(argv);
  req.inheritEnv = true;
  req.timeout = timeout;
  auto r = gantry::core::util::runProcess(req);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : ProcessResult{};
}

TEST(VendorPlugin, BuildsOutOfTreeAgainstTheInstalledSdk) {
  const fs::path work = fs::temp_directory_path() /
                        ("gantry-vendor-" + std::to_string(::getpid()));
  fs::remove_all(work);
  const fs::path prefix = work / "prefix";
  const fs::path src = work / "src";
  const fs::path build = work / "build";
  fs::create_directories(work);

  auto install = run({GANTRY_CMAKE_COMMAND, "--install", GANTRY_BINARY_DIR,
                      "--prefix", prefix.string()});
  ASSERT_TRUE(install.succeeded()) << install.out << install.err;
  ASSERT_TRUE(fs::exists(prefix / "include/gantry/sdk/plugin_abi.h"));
  ASSERT_TRUE(fs::exists(prefix / "lib/cmake/GantrySDK/GantrySDKConfig.cmake"));
  ASSERT_TRUE(fs::exists(prefix / "lib/gantry/plugins/hypervisor/hv_fake.so"));

  // The vendor's sources live outside the Gantry tree.
  fs::copy(fs::path(GANTRY_SOURCE_DIR) / "docs/examples/vendor-hypervisor", src,
           fs::copy_options::recursive);
  auto configure = run({GANTRY_CMAKE_COMMAND, "-S", src.string(), "-B",
                        build.string(), "-DCMAKE_PREFIX_PATH=" + prefix.string(),
                        "-DCMAKE_CXX_COMPILER=" GANTRY_CXX_COMPILER,
                        "-DCMAKE_BUILD_TYPE=Debug"});
  ASSERT_TRUE(configure.succeeded()) << configure.out << configure.err;
  auto compile = run({GANTRY_CMAKE_COMMAND, "--build", build.string()});
  ASSERT_TRUE(compile.succeeded()) << compile.out << compile.err;
  ASSERT_TRUE(fs::exists(build / "example_hypervisor.so"));

  // The installed kernel (not the build tree's) lists it as loaded, beside
  // its own built-in plugins.
  auto list = run({(prefix / "sbin/gantry-plugins").string(), "--plugin-path",
                   build.string(), "--root", (work / "root").string()});
  ASSERT_TRUE(list.succeeded()) << list.out << list.err;
  const std::string loaded = list.out.substr(0, list.out.find("Refused plugins:"));
  EXPECT_NE(loaded.find("hypervisor example     0.3.0"), std::string::npos) << list.out;
  EXPECT_NE(loaded.find((build / "example_hypervisor.so").string()), std::string::npos)
      << list.out;
  EXPECT_NE(loaded.find((prefix / "lib/gantry/plugins/hypervisor/hv_fake.so").string()),
            std::string::npos)
      << list.out;
  fs::remove_all(work);
}

}  // namespace
