// The hail plugin through the SDK interface: answers, errors, options.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "algorithm_options.h"
#include "hail_allocator.h"

namespace gantry::plugins::hail {
namespace {

using nlohmann::json;

std::string sample(const std::string& file) {
  std::ifstream f(std::string(GANTRY_SHARED_DIR) + "/testdata/ganeti/test/data/htools/" + file);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

json answer(const std::string& file, const sdk::AllocatorOptions& options = {}) {
  HailAllocator a(nullptr);
  auto r = a.run(sample(file), options);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? json::parse(r.value()) : json();
}

TEST(HailAllocator, AnswerShapeAndKeyOrder) {
  HailAllocator a(nullptr);
  auto r = a.run(sample("hail-alloc-drbd.json"), {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().rfind("{\"success\":true,\"info\":\"Request successful: ", 0), 0u)
      << r.value();
  const json j = json::parse(r.value());
  EXPECT_EQ(j.at("result"), json::array({"node2", "node1"}));
  EXPECT_NE(j.at("info").get<std::string>().find("successes 12, failures 0"),
            std::string::npos);
}

TEST(HailAllocator, SoftErrorsOption) {
  EXPECT_FALSE(answer("hail-alloc-plain-tags.json").at("success").get<bool>());
  EXPECT_NE(answer("hail-alloc-plain-tags.json").at("info").get<std::string>().find("FailTags: 3"),
            std::string::npos);
  EXPECT_TRUE(answer("hail-alloc-plain-tags.json", {{"ignore-soft-errors", std::nullopt}})
                  .at("success")
                  .get<bool>());
}

TEST(HailAllocator, CapacityCheckOption) {
  EXPECT_FALSE(answer("hail-alloc-twodisks.json").at("success").get<bool>());
  const json j = answer("hail-alloc-twodisks.json", {{"no-capacity-checks", std::nullopt}});
  EXPECT_EQ(j.at("result"), json::array({"node1"}));
}

TEST(HailAllocator, RestrictionOptionReplacesRequestList) {
  // hail-alloc-restricted-network.json picks node1_1/node1_2 freely; with
  // the option naming only group 1's nodes the answer stays there.
  const json j = answer("hail-alloc-restricted-network.json",
                        {{"restrict-allocation-to", std::string("node1_2,node1_1")}});
  ASSERT_TRUE(j.at("success").get<bool>());
  for (const auto& n : j.at("result")) {
    EXPECT_TRUE(n == "node1_1" || n == "node1_2") << n;
  }
}

TEST(HailAllocator, MalformedRequestsAreErrorsNotCrashes) {
  HailAllocator a(nullptr);
  for (const char* bad : {"", "not json", "[]", "{}", "{\"request\": 0}", "{\"request\": {}}"}) {
    auto r = a.run(bad, {});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_FALSE(r.error().message.empty());
  }
  auto reloc = a.run(sample("hail-invalid-reloc.json"), {});
  ASSERT_FALSE(reloc.ok());
  EXPECT_NE(reloc.error().message.find("key 'name'"), std::string::npos);
}

TEST(HailAllocator, BadOptionValue) {
  HailAllocator a(nullptr);
  auto r = a.run(sample("hail-alloc-drbd.json"), {{"static-kvm-node-memory", std::string("x")}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, sdk::ErrorCode::kInvalid);
}

TEST(HailAllocator, OptionsParse) {
  auto o = algorithmOptionsFrom({{"restrict-allocation-to", std::string("a,b")},
                                 {"no-capacity-checks", std::nullopt},
                                 {"unrelated", std::string("1")}});
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o.value().capacityChecks);
  EXPECT_EQ(*o.value().restrictToNodes, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(o.value().staticKvmNodeMemory, 4096);
}

}  // namespace
}  // namespace gantry::plugins::hail
