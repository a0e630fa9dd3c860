// An allocator vendor's view: install the SDK to a prefix, build the
// documented example allocator (docs/examples/vendor-allocator) outside the
// source tree with only find_package(GantrySDK), see the installed kernel
// load it, and run it on a real request through the example's driver.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "core/util/process.h"

namespace {
namespace fs = std::filesystem;
using gantry::sdk::ProcessRequest;
using gantry::sdk::ProcessResult;

ProcessResult run(std::vector<std::string> argv,
                  std::chrono::seconds timeout = std::chrono::seconds(240)) {
  ProcessRequest req;
  req.argv = std::move(argv);
  req.inheritEnv = true;
  req.timeout = timeout;
  auto r = gantry::core::util::runProcess(req);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : ProcessResult{};
}

TEST(VendorAllocator, BuildsOutOfTreeLoadsAndAnswers) {
  const fs::path work =
      fs::temp_directory_path() / ("gantry-vendor-alloc-" + std::to_string(::getpid()));
  fs::remove_all(work);
  const fs::path prefix = work / "prefix";
  const fs::path src = work / "src";
  const fs::path build = work / "build";
  fs::create_directories(work);

  auto install = run({GANTRY_CMAKE_COMMAND, "--install", GANTRY_BINARY_DIR, "--prefix",
                      prefix.string()});
  ASSERT_TRUE(install.succeeded()) << install.out << install.err;
  // The allocator model is part of the installed SDK: headers and library.
  ASSERT_TRUE(fs::exists(prefix / "include/gantry/sdk/allocator/request.h"));
  ASSERT_TRUE(fs::exists(prefix / "include/gantry/sdk/allocator/node_ops.h"));
  ASSERT_TRUE(fs::exists(prefix / "lib/libgantry_sdk.a"));

  fs::copy(fs::path(GANTRY_SOURCE_DIR) / "docs/examples/vendor-allocator", src,
           fs::copy_options::recursive);
  auto configure = run({GANTRY_CMAKE_COMMAND, "-S", src.string(), "-B", build.string(),
                        "-DCMAKE_PREFIX_PATH=" + prefix.string(),
                        "-DCMAKE_CXX_COMPILER=" GANTRY_CXX_COMPILER, "-DCMAKE_BUILD_TYPE=Debug"});
  ASSERT_TRUE(configure.succeeded()) << configure.out << configure.err;
  auto compile = run({GANTRY_CMAKE_COMMAND, "--build", build.string()});
  ASSERT_TRUE(compile.succeeded()) << compile.out << compile.err;
  const fs::path so = build / "example_allocator.so";
  ASSERT_TRUE(fs::exists(so));

  // The installed kernel lists it as a loaded iallocator.
  auto list = run({(prefix / "sbin/gantry-plugins").string(), "--plugin-path", build.string(),
                   "--root", (work / "root").string()});
  ASSERT_TRUE(list.succeeded()) << list.out << list.err;
  const std::string loaded = list.out.substr(0, list.out.find("Refused plugins:"));
  EXPECT_NE(loaded.find("iallocator most-free   1.0.0"), std::string::npos) << list.out;
  EXPECT_NE(loaded.find(so.string()), std::string::npos) << list.out;

  // And it answers a real request: a DRBD allocation on two distinct nodes
  // of one group.
  const fs::path request =
      fs::path(GANTRY_SHARED_DIR) / "testdata/ganeti/test/data/htools/hail-alloc-drbd.json";
  auto answered = run({(build / "run_allocator").string(), so.string(), request.string()});
  ASSERT_TRUE(answered.succeeded()) << answered.out << answered.err;
  const auto j = nlohmann::json::parse(answered.out);
  ASSERT_TRUE(j.at("success").get<bool>()) << answered.out;
  ASSERT_EQ(j.at("result").size(), 2u) << answered.out;
  EXPECT_NE(j["result"][0], j["result"][1]);
  EXPECT_NE(j.at("info").get<std::string>().find("most free memory: "), std::string::npos);

  // Requests it does not handle get a valid negative answer.
  const fs::path evac =
      fs::path(GANTRY_SHARED_DIR) / "testdata/ganeti/test/data/htools/hail-node-evac.json";
  auto declined = run({(build / "run_allocator").string(), so.string(), evac.string()});
  ASSERT_TRUE(declined.succeeded()) << declined.out << declined.err;
  const auto d = nlohmann::json::parse(declined.out);
  EXPECT_FALSE(d.at("success").get<bool>());
  EXPECT_EQ(d.at("info"), "request type 'node-evacuate' is not supported");
  fs::remove_all(work);
}

}  // namespace
